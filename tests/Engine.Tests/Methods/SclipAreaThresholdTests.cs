using ClipSurgeryWeb.Engine.Methods;
using TorchSharp;
using static TorchSharp.torch;

namespace ClipSurgeryWeb.Engine.Tests.Methods;

/// <summary>
/// SCLIP's <c>area_thd</c> in <see cref="SlideInference.Classify(Tensor, IReadOnlyList{int}, double, double, bool, double?)"/>
/// against a re-implementation here, in plain arrays, of SCLIP's <c>postprocess_result</c>: softmax(scale · logits),
/// max over a class's names, argmax areas of the foreground classes, planes of classes whose area is not above
/// <c>area_thd · (sum of foreground areas)</c> zeroed, argmax again, then <c>prob_thd</c>.
/// </summary>
public sealed class SclipAreaThresholdTests
{
    // Queries: background | small | large (two names) | medium.
    private static readonly int[] QueryClass = [0, 1, 2, 2, 3];

    private const double Scale = 10, ProbThreshold = 0.1, AreaShare = 0.1;

    /// <summary>
    /// A 1-row image: <paramref name="alone"/> pixels where the small class wins alone (nothing else near: after it is
    /// dropped no class reaches prob_thd → background), one where it wins with the medium class close behind (after the
    /// drop the medium class takes it), 20 large, 7 medium, 10 background pixels.
    /// </summary>
    private static float[,] Logits(int alone)
    {
        var pixels = new List<float[]>();
        for (var i = 0; i < alone; i++)
            pixels.Add([0, 1, 0, 0, 0]);
        pixels.Add([0, 1, 0, 0, 0.9f]);
        for (var i = 0; i < 20; i++)
            pixels.Add(i % 2 == 0 ? [0, 0, 1, 0.5f, 0] : [0, 0, 0.5f, 1, 0]);
        for (var i = 0; i < 7; i++)
            pixels.Add([0, 0, 0, 0.2f, 1]);
        for (var i = 0; i < 10; i++)
            pixels.Add([1, 0, 0.1f, 0, 0]);
        var logits = new float[QueryClass.Length, pixels.Count];
        for (var p = 0; p < pixels.Count; p++)
            for (var q = 0; q < QueryClass.Length; q++)
                logits[q, p] = pixels[p][q];
        return logits;
    }

    /// <summary>SCLIP's <c>postprocess_result</c>, by hand, in float as its tensors; ties go to the first class as torch's argmax.</summary>
    private static (long[] Prediction, float[,] Probabilities) Sclip(float[,] logits, double? areaShare)
    {
        int queries = logits.GetLength(0), pixels = logits.GetLength(1), classes = QueryClass.Max() + 1;
        var probs = new float[classes, pixels];
        for (var p = 0; p < pixels; p++)
        {
            var max = Enumerable.Range(0, queries).Max(q => logits[q, p] * (float)Scale);
            var exp = Enumerable.Range(0, queries).Select(q => Math.Exp(logits[q, p] * (float)Scale - max)).ToArray();
            var sum = exp.Sum();
            for (var q = 0; q < queries; q++)
                probs[QueryClass[q], p] = Math.Max(probs[QueryClass[q], p], (float)(exp[q] / sum));
        }
        int Argmax(int p)
        {
            var best = 0;
            for (var c = 1; c < classes; c++)
                if (probs[c, p] > probs[best, p])
                    best = c;
            return best;
        }
        if (areaShare is { } share)
        {
            var area = new float[classes];
            for (var p = 0; p < pixels; p++)
                area[Argmax(p)]++;
            var foreground = area.Skip(1).Sum();
            for (var c = 1; c < classes; c++)
                if (!(area[c] > (float)share * foreground))
                    for (var p = 0; p < pixels; p++)
                        probs[c, p] = 0;
        }
        var prediction = new long[pixels];
        for (var p = 0; p < pixels; p++)
            prediction[p] = probs[Argmax(p), p] < ProbThreshold ? 0 : Argmax(p);
        return (prediction, probs);
    }

    [Theory]
    [InlineData(2, true)]    // small area 3 of 30 foreground pixels: not > 0.1 · 30 (the boundary), dropped
    [InlineData(3, false)]   // small area 4 of 31: > 3.1, kept
    public void A_small_class_is_dropped_a_large_one_kept_and_prob_thd_applies_after(int alone, bool dropped)
    {
        using var scope = torch.NewDisposeScope();
        var hand = Logits(alone);
        int pixels = hand.GetLength(1);
        var logits = torch.tensor(hand.Cast<float>().ToArray(), [1, QueryClass.Length, 1, pixels]);   // [1, Q, 1, P]

        var (pred, probs) = SlideInference.Classify(logits, QueryClass, Scale, ProbThreshold, renormalise: false, areaThreshold: AreaShare);
        var (expectedPred, expectedProbs) = Sclip(hand, AreaShare);

        Assert.Equal(expectedPred, pred.reshape(-1).data<long>().ToArray());                           // [1, 1, P] -> [P]
        var got = probs.reshape(4, pixels);                                                            // [4, 1, P] -> [4, P]
        for (var c = 0; c < 4; c++)
            for (var p = 0; p < pixels; p++)
                Assert.Equal(expectedProbs[c, p], got[c, p].item<float>(), 6);

        // The scene as built: the large and medium classes stay; the small one goes (its lone pixels to the background
        // through prob_thd, its contested pixel to the medium class) or stays.
        var predicted = expectedPred;
        Assert.Equal(20, predicted.Count(v => v == 2));
        Assert.Equal(dropped ? 0 : alone + 1, predicted.Count(v => v == 1));
        Assert.Equal(dropped ? 10 + alone : 10, predicted.Count(v => v == 0));
        Assert.Equal(dropped ? 8 : 7, predicted.Count(v => v == 3));
    }

    [Fact]
    public void Without_an_area_threshold_the_small_class_keeps_its_pixels()
    {
        using var scope = torch.NewDisposeScope();
        var hand = Logits(2);
        var logits = torch.tensor(hand.Cast<float>().ToArray(), [1, QueryClass.Length, 1, hand.GetLength(1)]);   // [1, Q, 1, P]
        var (pred, _) = SlideInference.Classify(logits, QueryClass, Scale, ProbThreshold, renormalise: false);
        Assert.Equal(Sclip(hand, null).Prediction, pred.reshape(-1).data<long>().ToArray());
        Assert.Equal(3, pred.eq(1).sum().item<long>());
    }

    [Fact]
    public void A_head_passes_its_area_threshold_and_a_share_out_of_range_is_refused()
    {
        using var scope = torch.NewDisposeScope();
        var hand = Logits(2);
        var logits = torch.tensor(hand.Cast<float>().ToArray(), [1, QueryClass.Length, 1, hand.GetLength(1)]);
        var head = DenseMethod.Sclip.Head with { LogitScale = Scale, AreaThreshold = AreaShare };
        var (pred, _) = SlideInference.Classify(logits, QueryClass, head, ProbThreshold);
        Assert.Equal(Sclip(hand, AreaShare).Prediction, pred.reshape(-1).data<long>().ToArray());
        Assert.Equal("area threshold", Assert.Throws<EngineInputException>(() => SlideInference.Classify(logits, QueryClass, areaThreshold: 1.5)).Subject);
    }
}
