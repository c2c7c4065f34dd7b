using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Explain;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

public sealed class ModelJobTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Downloading_an_official_model_reports_bytes_and_lists_the_new_checkpoint()
    {
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartDownloadAsync(Admin, "ViT-B/16"));

        await _host.With(async sp => { await sp.GetRequiredService<DownloadModelJob>().RunAsync(run.Id, default); return 0; });

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        Assert.Equal(5 * 1024, done.BytesTotal);
        Assert.Contains(_host.Services.GetRequiredService<ModelsFolder>().Clip, m => m.Name == "ViT-B-16");
        Assert.Contains(_host.Events.Events, e => e.Kind == JobEventKind.ModelsChanged);
    }

    private Requester Admin => _host.Owner with { IsAdmin = true };

    [Fact]
    public async Task Only_admins_download_models_into_the_teams_folder()
    {
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() =>
            _host.With(sp => sp.GetRequiredService<JobLauncher>().StartDownloadAsync(_host.Owner, "ViT-B/16")));
        Assert.Contains("only admins", e.Reason);
    }

    [Theory]
    [InlineData("weights.ckpt", "not a checkpoint file name")]
    [InlineData("ViT-B-16.pt", "official download")]
    [InlineData("sam_vit_b_01ec64.pth", "official download")]
    public async Task A_fine_tune_with_a_wrong_or_official_file_name_is_refused_before_it_is_stored(string name, string reason)
    {
        using var content = new MemoryStream(new byte[64]);
        var e = await Assert.ThrowsAsync<RequestRejectedException>(() =>
            _host.With(sp => sp.GetRequiredService<ClipSurgeryWeb.Jobs.Models.ModelsFolder>().RegisterAsync(content, name, 1_000_000, CancellationToken.None)));
        Assert.Equal(name, e.Subject);
        Assert.Contains(reason, e.Reason);
        Assert.False(File.Exists(Path.Combine(_host.Services.GetRequiredService<ClipSurgeryWeb.Jobs.Models.ModelsFolder>().ModelsDir, name)));
    }

    [Fact]
    public async Task Asking_for_a_model_that_is_not_official_is_refused()
    {
        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() =>
            _host.With(sp => sp.GetRequiredService<JobLauncher>().StartDownloadAsync(Admin, "ViT-Q/7")));

        Assert.Equal("model 'ViT-Q/7'", refused.Subject);
        Assert.StartsWith("not an official model", refused.Reason);
    }

    [Fact]
    public async Task Explain_with_a_sam_model_adds_a_mask_and_overlay_per_target()
    {
        File.WriteAllBytes(Path.Combine(_host.ModelsDir, "sam_fake.pth"), [(byte)'P', (byte)'K', 1]);
        var image = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(
            _host.Owner, [image.Id], JobsHost.ModelName, ["cat", "sofa"], ["cat"], [MapMethod.Surgery], null, true, samModelName: "sam_fake"));

        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, default); return 0; });

        var files = (await _host.LoadRunAsync(run.Id)).Images.Single().Files.Select(f => f.FileName).Order(StringComparer.Ordinal);
        Assert.Equal(["cs_cat.png", "maps.safetensors", "mask_cat.png", "masks.safetensors", "overlay_cat.png"], files);
    }

    [Fact]
    public async Task A_run_whose_model_was_removed_fails_each_image_naming_the_model()
    {
        var image = await _host.UploadAsync();
        var run = await _host.StartExplainAsync([image.Id]);
        File.Delete(Path.Combine(_host.ModelsDir, JobsHost.ModelName + ".pt"));

        await _host.With(async sp => { await sp.GetRequiredService<ExplainJob>().RunAsync(run.Id, default); return 0; });

        var failed = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.StartsWith($"model '{JobsHost.ModelName}': no CLIP model is installed", failed.Images.Single().Error);
    }
}
