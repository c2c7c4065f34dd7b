using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using ClipSurgeryWeb.Tests.Fakes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// The launcher refuses, before anything is queued, what the engine would refuse per image: the ViT-only dense methods
/// on a ResNet (heatmaps and label maps, naming the method and the reason), methods that draw no label map, and label-map
/// options that contradict each other.
/// </summary>
public sealed class LabelMapLaunchTests : IAsyncLifetime
{
    private const string ResNet = "RN50";
    private readonly JobsHost _host;

    public LabelMapLaunchTests()
    {
        _host = new JobsHost(new TowerKnowingEngine(new FakeClipEngine(), ResNet));
        File.WriteAllBytes(Path.Combine(_host.ModelsDir, ResNet + ".pt"), [(byte)'P', (byte)'K', 3, 4, 0, 0]);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<RequestRejectedException> RefusedAsync(string model, IReadOnlyList<MapMethod> modes, LabelMapChoice? labelMaps)
    {
        var image = await _host.UploadAsync();
        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.With(sp => sp.GetRequiredService<JobLauncher>()
            .StartExplainAsync(_host.Owner, [image.Id], model, ["cat", "sofa"], [], modes, null, shared: true, labelMaps: labelMaps)));
        Assert.Equal(0, await _host.With(sp => sp.GetRequiredService<ClipSurgeryDb>().Runs.CountAsync()));
        return refused;
    }

    private async Task<JobRun> StartAsync(string model, IReadOnlyList<MapMethod> modes, LabelMapChoice? labelMaps)
    {
        var image = await _host.UploadAsync();
        return await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartExplainAsync(_host.Owner, [image.Id], model,
            ["cat", "sofa"], [], modes, null, shared: true, labelMaps: labelMaps));
    }

    [Fact]
    public async Task A_dense_method_on_a_ResNet_is_refused_naming_the_method_and_why()
    {
        var refused = await RefusedAsync(ResNet, [MapMethod.Surgery, DenseMethod.Sclip.Method], null);
        Assert.Equal("method 'SCLIP'", refused.Subject);
        Assert.Contains("needs a ViT CLIP", refused.Reason);
        Assert.Contains($"{ResNet} is a ResNet", refused.Reason);
    }

    [Fact]
    public async Task A_dense_label_map_on_a_ResNet_is_refused_and_CLIP_Surgerys_is_not()
    {
        var refused = await RefusedAsync(ResNet, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Surgery, DenseMethod.Naclip.Method]));
        Assert.Equal("label maps: method 'NACLIP'", refused.Subject);
        Assert.Contains("is a ResNet", refused.Reason);

        var run = await StartAsync(ResNet, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Surgery]));
        Assert.Equal([MapMethod.Surgery], run.Settings.LabelMethods);
    }

    [Fact]
    public async Task Every_dense_method_of_the_registry_is_accepted_on_a_ViT_for_heatmaps_and_label_maps()
    {
        var dense = MapMethods.All.OfType<DenseMethod>().Select(m => m.Method).ToList();
        Assert.NotEmpty(dense);
        var run = await StartAsync(JobsHost.ModelName, dense, new LabelMapChoice(dense));
        Assert.Equal(dense, run.Settings.Modes);
        Assert.Equal(dense, run.Settings.LabelMethods);
    }

    [Fact]
    public async Task A_method_that_draws_no_label_map_is_refused_with_the_ones_that_do()
    {
        var refused = await RefusedAsync(JobsHost.ModelName, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Plain]));
        Assert.Equal($"label maps: method '{MapMethod.Plain.DisplayName}'", refused.Subject);
        Assert.Contains("draws no label map", refused.Reason);
        foreach (var method in LabelMapChoice.Offered)
            Assert.Contains(method.DisplayName, refused.Reason);
    }

    [Fact]
    public async Task A_threshold_without_the_background_class_is_refused()
    {
        var refused = await RefusedAsync(JobsHost.ModelName, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Surgery], Threshold: 0.4));
        Assert.Equal("label maps: threshold", refused.Subject);
        Assert.Contains("background", refused.Reason);
    }

    [Fact]
    public async Task PAMR_without_NACLIP_is_refused()
    {
        var refused = await RefusedAsync(JobsHost.ModelName, [MapMethod.Surgery], new LabelMapChoice([DenseMethod.Sclip.Method], Pamr: true));
        Assert.Equal("label maps: PAMR", refused.Subject);
        Assert.Contains("NACLIP", refused.Reason);
    }

    [Fact]
    public async Task A_class_named_twice_and_a_short_side_out_of_range_are_refused_with_the_engines_reason()
    {
        var twice = await RefusedAsync(JobsHost.ModelName, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Surgery], ["cat, kitty", "kitty"]));
        Assert.Equal("classes", twice.Subject);
        Assert.Contains("'kitty' is named twice", twice.Reason);

        var tiny = await RefusedAsync(JobsHost.ModelName, [MapMethod.Surgery], new LabelMapChoice([MapMethod.Surgery], ShortSide: 8));
        Assert.Equal("label maps: short side", tiny.Subject);
        Assert.Contains("outside 32", tiny.Reason);
    }
}
