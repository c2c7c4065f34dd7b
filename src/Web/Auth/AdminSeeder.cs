using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ClipSurgeryWeb.Web.Auth;

/// <summary>
/// Creates the first admin from ClipSurgery:AdminEmail / ClipSurgery:AdminPassword when no such user exists. There is
/// no default password: without configuration the app starts and says how to create one.
/// </summary>
public sealed class AdminSeeder(IServiceScopeFactory scopes, IOptions<ClipSurgeryOptions> options, ILogger<AdminSeeder> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(Roles.Admin))
            await roles.CreateAsync(new IdentityRole(Roles.Admin));

        var users = scope.ServiceProvider.GetRequiredService<UserManager<TeamMember>>();
        var email = options.Value.AdminEmail;
        var password = options.Value.AdminPassword;
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrWhiteSpace(password))
        {
            if (!users.Users.Any())
                log.LogWarning("No users yet. Set ClipSurgery__AdminEmail and ClipSurgery__AdminPassword to create the first admin.");
            return;
        }
        var admin = await users.FindByEmailAsync(email);
        if (admin is null)
        {
            admin = new TeamMember { UserName = email, Email = email, EmailConfirmed = true };
            var created = await users.CreateAsync(admin, password);
            if (!created.Succeeded)
                throw new InvalidOperationException(
                    $"ClipSurgery:AdminPassword: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            log.LogInformation("Created admin {Email}", email);
        }
        if (!await users.IsInRoleAsync(admin, Roles.Admin))
            await users.AddToRoleAsync(admin, Roles.Admin);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
