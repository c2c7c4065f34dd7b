using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

public sealed class RequestValidationTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<int> RunCountAsync() => _host.With(sp => sp.GetRequiredService<ClipSurgeryDb>().Runs.CountAsync());

    [Theory]
    [InlineData(new string[0], new string[0], new[] { "cs" }, "labels", "add at least one label")]
    [InlineData(new[] { " ", "," }, new string[0], new[] { "cs" }, "labels", "add at least one label")]
    [InlineData(new[] { "cat" }, new[] { "cat+dog" }, new[] { "cs" }, "target 'cat+dog'", "'dog' is not one of the labels (cat)")]
    [InlineData(new[] { "cat" }, new string[0], new string[0], "modes", "choose at least one of Surgery, Plain CLIP, Single label")]
    [InlineData(new[] { "cat" }, new string[0], new[] { "heat" }, "modes", "'heat' is not one of cs, plain, single")]
    public async Task Explain_with_bad_input_is_refused_with_the_thing_and_the_reason_and_queues_nothing(
        string[] labels, string[] targets, string[] modes, string subject, string reason)
    {
        var image = await _host.UploadAsync();

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.StartExplainAsync([image.Id], labels, targets, modes));

        Assert.Equal(subject, refused.Subject);
        Assert.StartsWith(reason, refused.Reason);   // lists of methods go on with the registered dense ones
        Assert.Equal(0, await RunCountAsync());
    }

    [Fact]
    public async Task Explain_with_no_images_or_an_unknown_model_is_refused()
    {
        var noImages = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.StartExplainAsync([]));
        Assert.Equal("images", noImages.Subject);

        var image = await _host.UploadAsync();
        var unknown = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.With(sp =>
            sp.GetRequiredService<JobLauncher>().StartExplainAsync(_host.Owner, [image.Id], "ViT-H/99", ["cat"], [], [MapMethod.Surgery], null, true)));
        Assert.Equal("model 'ViT-H/99'", unknown.Subject);
        Assert.Contains(JobsHost.ModelName, unknown.Reason);
        Assert.Equal(0, await RunCountAsync());
    }

    [Fact]
    public async Task Another_members_private_image_cannot_be_used()
    {
        var image = await _host.UploadAsync();
        var stranger = new Requester("stranger", "stranger@example.com", IsAdmin: false);

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => _host.With(sp =>
            sp.GetRequiredService<JobLauncher>().StartOpinionsAsync(stranger, [image.Id], JobsHost.ModelName, 10, true)));

        Assert.Equal("not found", refused.Reason);
    }

    [Theory]
    [InlineData("notes.txt", "hello", "not a readable image: its content is none of the accepted types (PNG, JPEG, WebP, BMP, GIF)")]
    [InlineData("fake.png", "this is not a png", "not a readable image: its content is none of the accepted types (PNG, JPEG, WebP, BMP, GIF)")]
    [InlineData("empty.png", "", "the file is empty")]
    public async Task Uploads_that_are_not_images_are_refused_and_leave_nothing_behind(string name, string content, string reason)
    {
        await using var scope = _host.Scope();
        var intake = scope.ServiceProvider.GetRequiredService<ImageIntake>();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));

        var refused = await Assert.ThrowsAsync<UploadRejectedException>(() =>
            intake.SaveAsync(stream, name, stream.Length, "u", "u@example.com", CancellationToken.None));

        Assert.Equal(name, refused.FileName);
        Assert.Equal(reason, refused.Reason);
        Assert.Empty(Directory.EnumerateFiles(scope.ServiceProvider.GetRequiredService<FileStore>().UploadsDir));
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ClipSurgeryDb>().Images.CountAsync());
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_is_refused_even_when_its_declared_size_lies()
    {
        await using var scope = _host.Scope();
        var intake = scope.ServiceProvider.GetRequiredService<ImageIntake>();
        using var stream = new MemoryStream(new byte[300_000]);

        var refused = await Assert.ThrowsAsync<UploadRejectedException>(() =>
            intake.SaveAsync(stream, "huge.png", declaredSize: 10, "u", "u@example.com", CancellationToken.None));

        Assert.Equal("the file is over the 195.3 KB limit", refused.Reason);
        Assert.Empty(Directory.EnumerateFiles(scope.ServiceProvider.GetRequiredService<FileStore>().UploadsDir));
    }

    [Fact]
    public async Task A_file_that_is_not_a_checkpoint_is_refused_and_the_models_folder_is_unchanged()
    {
        var catalog = _host.Services.GetRequiredService<ModelsFolder>();
        var before = Directory.GetFileSystemEntries(_host.ModelsDir).Order().ToList();
        using var stream = new MemoryStream("definitely not a checkpoint"u8.ToArray());

        var refused = await Assert.ThrowsAsync<RequestRejectedException>(() => catalog.RegisterAsync(stream, "finetune.pt", 1_000_000, default));

        Assert.Equal("finetune.pt", refused.Subject);
        Assert.Equal("not a PyTorch checkpoint (no zip archive inside)", refused.Reason);
        Assert.Equal(before, Directory.GetFileSystemEntries(_host.ModelsDir).Where(p => !p.EndsWith(".incoming")).Order().ToList());
        Assert.Single(catalog.Clip);
    }

    [Fact]
    public async Task A_valid_fine_tune_is_registered_and_listed()
    {
        var catalog = _host.Services.GetRequiredService<ModelsFolder>();
        using var stream = new MemoryStream([(byte)'P', (byte)'K', 1, 2, 3]);

        var model = await catalog.RegisterAsync(stream, "my_finetune.pt", 1_000_000, default);

        Assert.Equal("my_finetune", model.Name);
        Assert.Contains(catalog.Clip, m => m.Name == "my_finetune");
    }
}
