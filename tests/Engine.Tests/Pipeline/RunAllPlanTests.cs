using ClipSurgeryWeb.Engine.Batch;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Opinions;
using ClipSurgeryWeb.Engine.Pipeline;

namespace ClipSurgeryWeb.Engine.Tests.Pipeline;

/// <summary>The one runall, on recorded entries: what it asks each step for, and how an image ends.</summary>
public sealed class RunAllPlanTests
{
    private static readonly IReadOnlyList<TokenCount> Opinion = [new("cat", 5), new("sofa", 3), new("hat", 1)];

    /// <summary>Entries that record their requests and answer at once.</summary>
    private sealed class Recording(bool failExplain = false) : IClipPipeline
    {
        public List<object> Requests { get; } = [];

        public void Explain(ExplainImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            Requests.Add(request);
            foreach (var image in request.Images)
                sink(failExplain ? new ImageFailed(image.Key, new EngineInputException("image", "broken")) : new ImageFinished(image.Key));
        }

        public void Segment(SegmentImagesRequest request, Action<PipelineEvent> sink, CancellationToken ct) => throw new NotSupportedException();

        public void SegmentLabels(SegmentLabelsRequest request, Action<PipelineEvent> sink, CancellationToken ct) => throw new NotSupportedException();

        public void Evaluate(ClipSurgeryWeb.Engine.Evaluation.EvalRequest request, Action<PipelineEvent> sink, CancellationToken ct) => throw new NotSupportedException();

        public void Opinions(OpinionsRequest request, Action<PipelineEvent> sink, CancellationToken ct)
        {
            Requests.Add(request);
            foreach (var image in request.Images)
            {
                sink(new OpinionFinished(image.Key, Opinion, ["cat", "sofa", "hat"], 7));
                sink(new ImageFinished(image.Key));
            }
        }
    }

    private static RunAllRequest Request(bool segment, IReadOnlyDictionary<string, IReadOnlyList<TokenCount>>? known = null) =>
        new([new PipelineImage("a", "a.png", "out/a")], RunAllSettings.Default, "model", Segment: segment, KnownOpinions: known);

    [Fact]
    public void Runall_maps_over_all_tokens_at_the_models_size_then_single_label_maps_at_512_with_the_masks_and_ends_once()
    {
        var steps = new Recording();
        var events = new List<PipelineEvent>();

        ((IClipPipeline)steps).RunAll(Request(segment: true), events.Add, default);

        Assert.IsType<OpinionsRequest>(steps.Requests[0]);
        var overLabels = Assert.IsType<ExplainImagesRequest>(steps.Requests[1]);
        Assert.Equal(["cat", "sofa", "hat"], overLabels.Maps.Labels);
        Assert.Equal(["cat", "sofa"], overLabels.Maps.EffectiveTargets);
        Assert.Equal([MapMethod.Surgery, MapMethod.Plain], overLabels.Maps.EffectiveMethods);
        Assert.Null(overLabels.Maps.Resolution);
        Assert.False(overLabels.Segment);
        var single = Assert.IsType<ExplainImagesRequest>(steps.Requests[2]);
        Assert.Equal([MapMethod.Single], single.Maps.EffectiveMethods);
        Assert.Equal(512, single.Maps.Resolution);
        Assert.True(single.Segment);
        var chosen = events.OfType<LabelsChosen>().Single();
        Assert.Equal(["cat", "sofa", "hat"], chosen.Labels);
        Assert.Equal(["cat", "sofa"], chosen.Targets);
        Assert.Equal(3, chosen.MinFrequency);
        Assert.Single(events.OfType<ImageFinished>());
        Assert.IsType<ImageFinished>(events.Last());
    }

    [Fact]
    public void A_known_opinion_skips_gradient_ascent()
    {
        var steps = new Recording();

        ((IClipPipeline)steps).RunAll(Request(segment: false, new Dictionary<string, IReadOnlyList<TokenCount>> { ["a"] = Opinion }), _ => { }, default);

        Assert.DoesNotContain(steps.Requests, r => r is OpinionsRequest);
        Assert.Equal(2, steps.Requests.Count);
    }

    [Fact]
    public void A_failed_step_ends_the_image_with_its_failure_and_nothing_after_it()
    {
        var steps = new Recording(failExplain: true);
        var events = new List<PipelineEvent>();

        ((IClipPipeline)steps).RunAll(Request(segment: true), events.Add, default);

        Assert.Equal(2, steps.Requests.Count);
        Assert.Equal("image: broken", Assert.IsType<ImageFailed>(events.Last()).Reason);
        Assert.DoesNotContain(events, e => e is ImageFinished);
    }
}
