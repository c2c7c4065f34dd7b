namespace ClipSurgeryWeb.Web.Services;

/// <summary>
/// Runs one operation in its own DI scope. A Blazor circuit lives long and its events overlap; a scope per operation
/// gives each its own DbContext.
/// </summary>
public sealed class Operations(IServiceScopeFactory scopes)
{
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> operation) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task RunAsync<TService>(Func<TService, Task> operation) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
