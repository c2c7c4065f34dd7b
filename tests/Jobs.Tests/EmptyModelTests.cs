using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>A page's model picker left empty is refused by name and reason, never as "model ''".</summary>
public sealed class EmptyModelTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("explain")]
    [InlineData("opinions")]
    [InlineData("batch")]
    public async Task Starting_a_run_without_a_model_says_to_choose_one(string kind)
    {
        var image = await _host.UploadAsync();

        var e = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.With(sp =>
        {
            var launcher = sp.GetRequiredService<JobLauncher>();
            return kind switch
            {
                "explain" => launcher.StartExplainAsync(_host.Owner, [image.Id], "", ["cat"], [], [MapMethod.Surgery], null, shared: true),
                "opinions" => launcher.StartOpinionsAsync(_host.Owner, [image.Id], " ", 10, shared: true),
                _ => launcher.StartBatchAsync(_host.Owner, [image.Id], "", null, 10, shared: true),
            };
        }));

        Assert.Equal("model", e.Subject);
        Assert.Equal("choose a CLIP model (none was chosen)", e.Reason);
    }
}
