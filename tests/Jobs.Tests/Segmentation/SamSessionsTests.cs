using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Points;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Jobs.Segmentation;
using Microsoft.Extensions.Time.Testing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace ClipSurgeryWeb.Jobs.Tests.Segmentation;

/// <summary>The interactive SAM page's embedding cache on the tiny SAM fixture: kept embeddings answer without encoding, and memory stays bounded.</summary>
public sealed class SamSessionsTests : IDisposable
{
    private static readonly string SamPath = Shared.Fixture("sam_vit_tiny.pth");
    private static readonly EngineClipEngineSettings Settings = new(Path.GetTempPath(), Shared.Vocab, DevicePreference.Cpu);
    private static readonly SamPrompt TwoPoints = new([(120, 90), (300, 200)], [1, 0]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<SamPredictor> _predictors = [];
    private readonly List<SamSessions> _made = [];

    private SamSessions Sessions(int max = 4, TimeSpan? idle = null)
    {
        var sessions = new SamSessions(Settings, _time, new SamSessionOptions { MaxSessions = max, IdleTimeout = idle ?? TimeSpan.FromMinutes(10) });
        sessions.NewPredictor = model =>
        {
            var p = new SamPredictor(model);
            _predictors.Add(p);
            return p;
        };
        _made.Add(sessions);
        return sessions;
    }

    private static Image<Rgb24> Demo() => ImageLoader.Load(Shared.Image("demo.jpg"));

    [Fact]
    public void A_prompt_on_a_kept_embedding_does_not_encode_the_image_again()
    {
        var sessions = Sessions();
        var loads = 0;
        Image<Rgb24> Load() { loads++; return Demo(); }

        var first = sessions.Predict(SamPath, "demo", Load, TwoPoints);
        var second = sessions.Predict(SamPath, "demo", Load, new SamPrompt([(120, 90)], [1]));
        var third = sessions.Predict(SamPath, "demo", Load, TwoPoints);

        Assert.True(first.Encoded);
        Assert.False(second.Encoded);
        Assert.False(third.Encoded);
        Assert.Equal(1, sessions.Encodes);
        Assert.Equal(1, loads);
        Assert.Single(_predictors);
        Assert.True(sessions.IsCached(SamPath, "demo"));
        Assert.Equal(first.Mask.Mask, third.Mask.Mask);
        Assert.NotEqual(first.Mask.Mask, second.Mask.Mask);
    }

    [Fact]
    public void The_clicked_mask_is_the_predictors_best_mask_for_the_same_points()
    {
        var sessions = Sessions();
        sessions.Predict(SamPath, "demo", Demo, new SamPrompt([(10, 10)], [1]));   // encoded by an earlier prompt

        var answer = sessions.Predict(SamPath, "demo", Demo, TwoPoints);

        using var model = SamModel.Load(SamPath, torch.CPU);
        using var predictor = new SamPredictor(model);
        using (var image = Demo())
            predictor.SetImage(image);
        var expected = predictor.Predict(TwoPoints.Points.ToArray(), TwoPoints.Labels.ToArray(), multimaskOutput: true);
        Assert.False(answer.Encoded);
        Assert.Equal(expected.Mask(expected.BestIndex).ToArray(), answer.Mask.Mask);
        Assert.Equal(expected.Scores.Span[expected.BestIndex], answer.Mask.Score);
        Assert.Equal(TwoPoints.Points, answer.Mask.Prompt.Points);
        Assert.Equal((predictor.OriginalSize.Width, predictor.OriginalSize.Height), (answer.Mask.Width, answer.Mask.Height));
        Assert.Contains(answer.Mask.Mask, v => v == 1);
    }

    [Fact]
    public void Past_the_count_the_least_recently_prompted_embedding_is_freed()
    {
        var sessions = Sessions(max: 2);

        sessions.Predict(SamPath, "a", Demo, TwoPoints);
        sessions.Predict(SamPath, "b", Demo, TwoPoints);
        _time.Advance(TimeSpan.FromSeconds(1));
        sessions.Predict(SamPath, "a", Demo, TwoPoints);   // a is now the more recent
        _time.Advance(TimeSpan.FromSeconds(1));
        sessions.Predict(SamPath, "c", Demo, TwoPoints);

        Assert.Equal(2, sessions.Count);
        Assert.True(sessions.IsCached(SamPath, "a"));
        Assert.False(sessions.IsCached(SamPath, "b"));
        Assert.True(sessions.IsCached(SamPath, "c"));
        Assert.Equal(3, sessions.Encodes);
        Assert.Equal(3, _predictors.Count);
        Assert.False(_predictors[1].IsImageSet);   // b's embedding disposed
        Assert.True(_predictors[0].IsImageSet);
        Assert.Equal(1, sessions.LoadedModels);   // one model for all three

        sessions.Predict(SamPath, "b", Demo, TwoPoints);
        Assert.Equal(4, sessions.Encodes);   // b had to be encoded again
    }

    [Fact]
    public void An_embedding_idle_for_the_timeout_is_freed_and_every_prompt_restarts_the_time()
    {
        var sessions = Sessions(idle: TimeSpan.FromMinutes(10));
        sessions.Predict(SamPath, "demo", Demo, TwoPoints);

        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.False(sessions.Predict(SamPath, "demo", Demo, TwoPoints).Encoded);
        _time.Advance(TimeSpan.FromMinutes(6));   // 12 minutes since the first prompt, 6 since the last
        Assert.True(sessions.IsCached(SamPath, "demo"));

        _time.Advance(TimeSpan.FromMinutes(5));   // the sweeper runs without any prompt
        Assert.Equal(0, sessions.Count);
        Assert.Equal(0, sessions.LoadedModels);
        Assert.False(_predictors.Single().IsImageSet);
        Assert.True(sessions.Predict(SamPath, "demo", Demo, TwoPoints).Encoded);
    }

    [Fact]
    public void Disposing_frees_every_embedding_and_refuses_later_prompts()
    {
        var sessions = Sessions();
        sessions.Predict(SamPath, "a", Demo, TwoPoints);
        sessions.Predict(SamPath, "b", Demo, TwoPoints);

        sessions.Dispose();

        Assert.Equal(0, sessions.Count);
        Assert.Equal(0, sessions.LoadedModels);
        Assert.All(_predictors, p => Assert.False(p.IsImageSet));
        Assert.Throws<ObjectDisposedException>(() => sessions.Predict(SamPath, "a", Demo, TwoPoints));
    }

    [Fact]
    public void A_point_outside_the_image_and_an_empty_prompt_are_refused_with_the_reason()
    {
        var sessions = Sessions();
        using var probe = Demo();

        var outside = Assert.Throws<EngineInputException>(() => sessions.Predict(SamPath, "demo", Demo, new SamPrompt([(probe.Width, 0)], [1])));
        var none = Assert.Throws<EngineInputException>(() => sessions.Predict(SamPath, "demo", Demo, SamPrompt.Empty));

        Assert.Contains("outside", outside.Reason);
        Assert.Contains("no point", none.Reason);
    }

    [Fact]
    public void Prompts_on_one_image_from_many_threads_share_one_embedding()
    {
        var sessions = Sessions();

        var answers = Enumerable.Range(0, 4).AsParallel().Select(_ => sessions.Predict(SamPath, "demo", Demo, TwoPoints)).ToList();

        Assert.Equal(1, sessions.Encodes);
        Assert.Single(answers, a => a.Encoded);
        Assert.All(answers, a => Assert.Equal(answers[0].Mask.Mask, a.Mask.Mask));
    }

    [Fact]
    public void Limits_that_keep_nothing_are_refused()
    {
        Assert.Throws<EngineInputException>(() => new SamSessions(Settings, _time, new SamSessionOptions { MaxSessions = 0 }));
        Assert.Throws<EngineInputException>(() => new SamSessions(Settings, _time, new SamSessionOptions { IdleTimeout = TimeSpan.Zero }));
    }

    public void Dispose()
    {
        foreach (var s in _made)
            s.Dispose();
    }
}
