using ClipSurgeryWeb.Engine.Imaging;
using ClipSurgeryWeb.Engine.Models;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace ClipSurgeryWeb.Engine.Tests.Opinions;

/// <summary>The gradient-ascent loop on the ViT fixture with small settings.</summary>
public sealed class GradientAscentTests : IDisposable
{
    private readonly ClipModel model = TinyModels.Vit();
    private readonly GradientAscent ascent;
    private readonly Image<Rgb24> image = ImageLoader.Load(Shared.Image("bwcat_cat.png"));

    public GradientAscentTests() => ascent = new GradientAscent(model, ClipTokenizer.FromFile(Shared.Vocab));

    [Fact]
    public void The_same_seed_gives_the_same_opinion()
    {
        var first = ascent.Run(image, SmallOpinions.Settings(seed: 11));
        var second = ascent.Run(image, SmallOpinions.Settings(seed: 11));

        Assert.Equal(first.Tokens.Rows, second.Tokens.Rows);
        Assert.Equal(first.Words, second.Words);
        Assert.Equal(first.LastCheckIn.Samples.Select(s => s.Loss), second.LastCheckIn.Samples.Select(s => s.Loss));
        Assert.Equal(first.FinalLoss, second.FinalLoss);
    }

    [Fact]
    public void Another_seed_samples_other_tokens()
    {
        var first = ascent.Run(image, SmallOpinions.Settings(seed: 1) with { Iterations = 1 });
        var second = ascent.Run(image, SmallOpinions.Settings(seed: 2) with { Iterations = 1 });

        Assert.NotEqual(first.LastCheckIn.Samples.SelectMany(s => s.TokenIds), second.LastCheckIn.Samples.SelectMany(s => s.TokenIds));
    }

    [Fact]
    public void Without_a_seed_one_is_drawn_and_reported_so_the_run_can_be_repeated()
    {
        var settings = SmallOpinions.Settings() with { Seed = null, Iterations = 6 };
        var drawn = ascent.Run(image, settings);
        var repeated = ascent.Run(image, drawn.Settings);

        Assert.Equal(drawn.Seed, drawn.Settings.Seed);
        Assert.Equal(drawn.Tokens.Rows, repeated.Tokens.Rows);
    }

    [Fact]
    public void Progress_is_reported_every_step_with_check_ins_every_interval()
    {
        var reports = new List<OpinionProgress>();
        var result = ascent.Run(image, SmallOpinions.Settings(), new Collect(reports));

        Assert.Equal(Enumerable.Range(1, 12), reports.Select(r => r.Iteration));
        Assert.Equal([0, 5, 10], reports.Where(r => r.CheckIn is not null).Select(r => r.CheckIn!.Iteration));
        Assert.All(reports, r => Assert.True(float.IsFinite(r.Loss)));
        Assert.Equal(10, result.LastCheckIn.Iteration);
        Assert.Equal(result.LastCheckIn.Best.Text, reports[^1].BestText);
        Assert.Equal(result.LastCheckIn.Samples.Min(s => s.Loss), reports[^1].BestLoss);
        Assert.Equal(3, result.LastCheckIn.Samples.Count);
        Assert.All(result.LastCheckIn.Samples, s => Assert.Equal(3, s.TokenIds.Count));
    }

    [Fact]
    public void The_words_are_every_word_of_every_check_in_once_and_the_table_is_the_last_check_ins()
    {
        var checkIns = new List<CheckIn>();
        var result = ascent.Run(image, SmallOpinions.Settings(), new Collect(r => { if (r.CheckIn is { } c) checkIns.Add(c); }));

        Assert.Equal(checkIns.SelectMany(c => c.Samples).SelectMany(s => s.Words).Distinct(), result.Words);
        Assert.Equal(TokenTable.FromCheckIn(checkIns[^1].Samples).Rows, result.Tokens.Rows);
    }

    [Fact]
    public void Optimisation_lowers_the_loss()
    {
        var losses = new List<float>();
        ascent.Run(image, SmallOpinions.Settings() with { Iterations = 25, Views = 8 }, new Collect(r => losses.Add(r.Loss)));

        Assert.True(losses.Skip(20).Average() < losses.Take(3).Average() - 5, $"loss went from {losses[0]} to {losses[^1]}");
    }

    [Fact]
    public void A_run_can_be_cancelled_between_steps()
    {
        using var cts = new CancellationTokenSource();
        var steps = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => ascent.Run(image, SmallOpinions.Settings(), new Collect(r =>
        {
            steps = r.Iteration;
            if (r.Iteration == 3)
                cts.Cancel();
        }), cts.Token));
        Assert.Equal(3, steps);
    }

    [Fact]
    public void The_models_weights_are_not_trained_and_keep_their_gradient_flags()
    {
        var before = model.parameters().Select(p => p.requires_grad).ToArray();
        using var weightBefore = model.TokenEmbeddingWeight.detach().clone();

        ascent.Run(image, SmallOpinions.Settings() with { Iterations = 3 });

        Assert.Equal(before, model.parameters().Select(p => p.requires_grad));
        Assert.True(weightBefore.eq(model.TokenEmbeddingWeight).all().item<bool>());
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Theory]
    [InlineData(0, 3, 3, 4, 1, "iterations")]
    [InlineData(1, 0, 3, 4, 1, "batch")]
    [InlineData(1, 1, 75, 4, 1, "tokens")]
    [InlineData(1, 1, 3, 0, 1, "views")]
    [InlineData(1, 1, 3, 4, 0, "check-in")]
    public void Settings_that_cannot_run_are_refused_by_name(int iterations, int batch, int tokens, int views, int checkIn, string subject)
    {
        var e = Assert.Throws<EngineInputException>(() => ascent.Run(image, new OpinionSettings(iterations, batch, tokens, views, checkIn, 1)));
        Assert.Equal(subject, e.Subject);
    }

    [Fact]
    public void Random_views_keep_the_size_and_the_untransformed_ones_equal_the_normalised_image()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(3, torch.CPU);
        var input = RandomViews.ImageTensor(image, 224, torch.CPU);                 // [1, 3, 224, 224]
        var views = RandomViews.Sample(input, 32, generator);                        // [32, 3, 224, 224]
        var plain = RandomViews.Normalize(input);

        Assert.Equal([32L, 3, 224, 224], views.shape);
        var same = Enumerable.Range(0, 32).Count(i => views[i].eq(plain[0]).all().item<bool>());
        Assert.InRange(same, 1, 16);   // p = 0.8 of 32 views transformed: ~6 untouched, never most
    }

    private sealed class Collect(Action<OpinionProgress> add) : IProgress<OpinionProgress>
    {
        public Collect(List<OpinionProgress> list) : this(list.Add)
        {
        }

        public void Report(OpinionProgress value) => add(value);
    }

    public void Dispose()
    {
        image.Dispose();
        model.Dispose();
    }
}
