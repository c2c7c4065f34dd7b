using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Jobs.Batch;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Opinions;
using ClipSurgeryWeb.Jobs.Records;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Jobs.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Jobs.Tests;

public sealed class OpinionsAndBatchTests : IAsyncLifetime
{
    private readonly JobsHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<JobRun> StartOpinionsAsync(params Guid[] images) =>
        _host.With(sp => sp.GetRequiredService<JobLauncher>().StartOpinionsAsync(_host.Owner, images, JobsHost.ModelName, 40, shared: true));

    [Fact]
    public async Task Opinions_store_the_token_counts_and_report_loss_and_best_words()
    {
        var image = await _host.UploadAsync();
        var run = await StartOpinionsAsync(image.Id);

        await _host.With(async sp => { await sp.GetRequiredService<OpinionsJob>().RunAsync(run.Id, default); return 0; });

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        var tokens = done.Images.Single().Tokens.ToDictionary(t => t.Token, t => t.Frequency);
        Assert.Equal(5, tokens["cat"]);
        Assert.Equal(3, tokens["whiskers"]);
        Assert.Contains(done.Images.Single().Files, f => f.FileName == "tokens.csv");
        var progress = _host.Events.Events.Where(e => e.Kind == JobEventKind.ImageProgress && e.Loss is not null).ToList();
        Assert.NotEmpty(progress);
        Assert.Contains(progress, e => e.BestText == "cat whiskers photographically");
    }

    [Fact]
    public async Task New_records_are_announced_once_and_a_repeat_word_keeps_its_first_finder()
    {
        var first = await _host.UploadAsync("first.png");
        var second = await _host.UploadAsync("second.png");
        var run1 = await StartOpinionsAsync(first.Id);
        await _host.With(async sp => { await sp.GetRequiredService<OpinionsJob>().RunAsync(run1.Id, default); return 0; });
        var run2 = await StartOpinionsAsync(second.Id);
        await _host.With(async sp => { await sp.GetRequiredService<OpinionsJob>().RunAsync(run2.Id, default); return 0; });

        var announced = _host.Events.Events.Where(e => e.Kind == JobEventKind.RecordsChanged).ToList();
        Assert.Single(announced);
        Assert.Equal("incomprehensibilities photographically", announced[0].Message);

        var records = await _host.With(sp => sp.GetRequiredService<WordRecordBoard>().ListAsync(_host.Owner));
        Assert.Equal(["incomprehensibilities", "photographically"], records.Select(r => r.Word));
        Assert.All(records, r => Assert.Equal(first.Id, r.ImageId));
        Assert.Equal(JobsHost.ModelName, records[0].ModelName);
        Assert.Equal(_host.Owner.Name, records[0].OwnerName);
    }

    [Fact]
    public async Task Record_lengths_count_code_points_so_an_emoji_is_one_character_as_in_the_cli()
    {
        const string fifteen = "abcdefghijklmn\U0001F600";   // 15 code points, 16 UTF-16 units: not a record
        const string sixteen = "abcdefghijklmno\U0001F600";  // 16 code points
        _host.Fake.ExtraWords.AddRange([fifteen, sixteen]);
        var image = await _host.UploadAsync();
        var run = await StartOpinionsAsync(image.Id);

        await _host.With(async sp => { await sp.GetRequiredService<OpinionsJob>().RunAsync(run.Id, default); return 0; });

        var records = await _host.With(sp => sp.GetRequiredService<WordRecordBoard>().ListAsync(_host.Owner));
        Assert.DoesNotContain(records, r => r.Word == fifteen);
        Assert.Equal(16, records.Single(r => r.Word == sixteen).Length);
        var announced = Assert.Single(_host.Events.Events, e => e.Kind == JobEventKind.RecordsChanged);
        Assert.DoesNotContain(fifteen, announced.Message!.Split(' '));
    }

    [Fact]
    public async Task A_private_runs_records_are_listed_and_announced_only_to_its_owner_and_admins()
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp => sp.GetRequiredService<JobLauncher>().StartOpinionsAsync(_host.Owner, [image.Id], JobsHost.ModelName, 40, shared: false));
        await _host.With(async sp => { await sp.GetRequiredService<OpinionsJob>().RunAsync(run.Id, default); return 0; });
        var other = new Requester("member-2", "other@example.com", IsAdmin: false);
        var admin = new Requester("admin-1", "admin@example.com", IsAdmin: true);

        Assert.Empty(await _host.With(sp => sp.GetRequiredService<WordRecordBoard>().ListAsync(other)));
        Assert.Equal(2, (await _host.With(sp => sp.GetRequiredService<WordRecordBoard>().ListAsync(_host.Owner))).Count);
        Assert.Equal(2, (await _host.With(sp => sp.GetRequiredService<WordRecordBoard>().ListAsync(admin))).Count);
        var announced = Assert.Single(_host.Events.Events, e => e.Kind == JobEventKind.RecordsChanged);
        Assert.False(announced.IsVisibleTo(other.UserId, isAdmin: false));
        Assert.True(announced.IsVisibleTo(_host.Owner.UserId, isAdmin: false));
        Assert.True(announced.IsVisibleTo(admin.UserId, isAdmin: true));
    }

    [Fact]
    public async Task Batch_maps_the_tokens_counted_three_times_with_all_tokens_as_labels()
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp =>
            sp.GetRequiredService<JobLauncher>().StartBatchAsync(_host.Owner, [image.Id], JobsHost.ModelName, null, 20, shared: true));

        await _host.With(async sp => { await sp.GetRequiredService<BatchJob>().RunAsync(run.Id, default); return 0; });

        var done = await _host.LoadRunAsync(run.Id);
        Assert.Equal(JobRunStatus.Succeeded, done.Status);
        var heatmaps = done.Images.Single().Files.Where(f => f.Kind == "heatmap").Select(f => f.FileName).Order(StringComparer.Ordinal);
        Assert.Equal(["cs_cat.png", "cs_whiskers.png", "plain_cat.png", "plain_whiskers.png", "single_cat.png", "single_whiskers.png"], heatmaps);
    }

    [Fact]
    public async Task A_batch_maps_over_the_labels_at_the_models_own_size_and_draws_single_label_maps_at_512()
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp =>
            sp.GetRequiredService<JobLauncher>().StartBatchAsync(_host.Owner, [image.Id], JobsHost.ModelName, null, 20, shared: true));

        await _host.With(async sp => { await sp.GetRequiredService<BatchJob>().RunAsync(run.Id, default); return 0; });

        Assert.Null((await _host.LoadRunAsync(run.Id)).Settings.Resolution);
        var specs = _host.Fake.ExplainSpecs;
        Assert.Equal(2, specs.Count);
        Assert.Equal([MapMethod.Surgery, MapMethod.Plain], specs[0].Modes);
        Assert.Null(specs[0].Resolution);
        Assert.Equal([MapMethod.Single], specs[1].Modes);
        Assert.Equal(512, specs[1].Resolution);
    }

    [Fact]
    public async Task A_retried_batch_does_not_repeat_opinions_already_stored()
    {
        var image = await _host.UploadAsync();
        var run = await _host.With(sp =>
            sp.GetRequiredService<JobLauncher>().StartBatchAsync(_host.Owner, [image.Id], JobsHost.ModelName, null, 20, shared: true));
        _host.Fake.Failures["explain:" + image.Id.ToString("N")] = "explain broke";
        await _host.With(async sp => { await sp.GetRequiredService<BatchJob>().RunAsync(run.Id, default); return 0; });
        Assert.Equal(JobRunStatus.Failed, (await _host.LoadRunAsync(run.Id)).Status);
        _host.Fake.Failures.Clear();

        await _host.With(sp => sp.GetRequiredService<JobLauncher>().RetryAsync(_host.Owner, run.Id));
        await _host.With(async sp => { await sp.GetRequiredService<BatchJob>().RunAsync(run.Id, default); return 0; });

        Assert.Equal(JobRunStatus.Succeeded, (await _host.LoadRunAsync(run.Id)).Status);
        Assert.Equal(1, _host.Fake.CallsFor("opinions", image.Id.ToString("N")));
        // The failed first pass stopped at its first explain call; the retry makes both (maps over the labels, then single-label at 512).
        Assert.Equal(1 + 2, _host.Fake.CallsFor("explain", image.Id.ToString("N")));
    }
}
