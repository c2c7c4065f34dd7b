using ClipSurgeryWeb.Engine.Segmentation;

namespace ClipSurgeryWeb.Engine.Tests.Segmentation;

public sealed class SamPredictorTests(SamGoldens golden) : IClassFixture<SamGoldens>
{
    [Fact]
    public void Prediction_before_an_image_is_set_is_refused()
    {
        using var predictor = new SamPredictor(golden.Model);

        Assert.False(predictor.IsImageSet);
        Assert.Throws<InvalidOperationException>(() => predictor.Predict(golden.Points, golden.Labels));
        Assert.Throws<InvalidOperationException>(() => predictor.Features);
    }

    [Fact]
    public void One_embedding_answers_many_prompts()
    {
        using var predictor = golden.PredictorOnGoldenInput();
        var features = predictor.Features;

        var first = predictor.Predict(golden.Points, golden.Labels);
        var second = predictor.Predict(golden.Points.AsSpan(0, 1), golden.Labels.AsSpan(0, 1));
        var again = predictor.Predict(golden.Points, golden.Labels);

        Assert.Same(features, predictor.Features);
        Assert.NotEqual(first.Scores.ToArray(), second.Scores.ToArray());
        Assert.Equal(first.Scores.ToArray(), again.Scores.ToArray());
    }

    [Fact]
    public void A_box_prompt_is_scaled_and_used()
    {
        using var predictor = golden.PredictorOnGoldenInput();

        var points = predictor.Predict(golden.Points, golden.Labels);
        var withBox = predictor.Predict(golden.Points, golden.Labels, box: (200, 80, 320, 180));
        var boxOnly = predictor.Predict([], [], box: (200, 80, 320, 180), multimaskOutput: false);

        Assert.Equal(3, withBox.Count);
        Assert.Equal(300 * 400 * 3, withBox.Masks.Length);
        Assert.NotEqual(points.Scores.ToArray(), withBox.Scores.ToArray());
        Assert.Equal(1, boxOnly.Count);
        Assert.Equal(256 * 256, boxOnly.LowResLogits.Length);
    }

    [Fact]
    public void Best_index_is_the_highest_score_and_masks_are_zero_or_one()
    {
        using var predictor = golden.PredictorOnGoldenInput();

        var prediction = predictor.Predict(golden.Points, golden.Labels);

        var scores = prediction.Scores.ToArray();
        Assert.Equal(Array.IndexOf(scores, scores.Max()), prediction.BestIndex);
        Assert.All(prediction.Masks.ToArray(), v => Assert.True(v is 0 or 1));
        Assert.Equal(300 * 400, prediction.Mask(prediction.BestIndex).Length);
    }

    [Fact]
    public void Points_and_labels_must_pair_up()
    {
        using var predictor = golden.PredictorOnGoldenInput();

        Assert.Throws<ArgumentException>(() => predictor.Predict(golden.Points, golden.Labels.AsSpan(0, 2)));
    }
}
