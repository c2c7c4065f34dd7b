using ClipSurgeryWeb.Engine.Evaluation;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

public sealed class EvalClassesTests
{
    public static TheoryData<EvalDatasetKind> Kinds => new(Enum.GetValues<EvalDatasetKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_benchmark_has_one_class_per_label_id(EvalDatasetKind kind)
    {
        var classes = EvalClasses.For(kind);

        Assert.Equal(EvalDataset.ClassCountOf(kind), classes.Count);
        Assert.Equal(EvalDataset.ClassCountOf(kind), EvalClasses.Lines(kind).Count);
        Assert.Equal(Enumerable.Range(0, classes.Count), classes.Classes.Select(c => c.Id));
    }

    [Fact]
    public void VOC21_has_the_configs_background_words_as_class_0_and_person_with_its_synonyms()
    {
        var classes = EvalClasses.For(EvalDatasetKind.Voc21);

        Assert.Equal(26, classes.Classes[0].Names.Count);
        Assert.Equal(["sky", "wall", "tree"], classes.Classes[0].Names.Take(3));
        Assert.Equal("aeroplane", classes.Classes[1].Name);
        Assert.Equal(["person", "person in shirt", "person in jeans", "person in dress", "person in sweater", "person in skirt", "person in jacket"],
            classes.Classes[15].Names);
        Assert.Equal(["television monitor", "tv monitor", "monitor", "television", "screen"], classes.Classes[20].Names);
    }

    [Fact]
    public void Sets_without_background_start_with_their_first_object_and_Context60_with_background()
    {
        Assert.Equal("aeroplane", EvalClasses.For(EvalDatasetKind.Voc20).Classes[0].Name);
        Assert.Equal("aeroplane", EvalClasses.For(EvalDatasetKind.Context59).Classes[0].Name);
        Assert.True(EvalClasses.For(EvalDatasetKind.Context60).HasBackground);
        Assert.Equal("road", EvalClasses.For(EvalDatasetKind.Cityscapes).Classes[0].Name);
        Assert.Equal("wall", EvalClasses.For(EvalDatasetKind.Ade20k).Classes[0].Name);
        Assert.Equal("person", EvalClasses.For(EvalDatasetKind.CocoStuff).Classes[0].Name);
    }

    [Fact]
    public void COCO_Objects_repeated_bed_stays_in_both_classes_as_in_the_methods_code()
    {
        var lines = EvalClasses.Lines(EvalDatasetKind.CocoObject);
        Assert.Contains("bed", lines[0].Split(", "));   // the file is the configs' own
        Assert.Equal("bed", lines[60]);

        var classes = EvalClasses.For(EvalDatasetKind.CocoObject);

        Assert.Equal(["bed"], classes.Classes[60].Names);
        Assert.Contains("bed", classes.Classes[0].Names);
        Assert.Equal(lines[0].Split(", ").Length, classes.Classes[0].Names.Count);
        Assert.Equal(2, classes.Queries.Count(q => q == "bed"));
        Assert.Equal(new Dictionary<string, int> { ["bed"] = 60 }, EvalClasses.RepeatedNames(lines));
    }

    [Theory]
    [InlineData("voc21", EvalDatasetKind.Voc21, 336, 0.1)]
    [InlineData("voc20", EvalDatasetKind.Voc20, 336, 0)]
    [InlineData("context60", EvalDatasetKind.Context60, 336, 0.1)]
    [InlineData("context59", EvalDatasetKind.Context59, 336, 0)]
    [InlineData("coco-object", EvalDatasetKind.CocoObject, 336, 0.1)]
    [InlineData("COCO-Stuff", EvalDatasetKind.CocoStuff, 336, 0)]
    [InlineData("cityscapes", EvalDatasetKind.Cityscapes, 560, 0)]
    [InlineData("ade20k", EvalDatasetKind.Ade20k, 448, 0)]
    public void Dataset_names_and_test_settings_follow_the_configs(string name, EvalDatasetKind kind, int shortSide, double threshold)
    {
        Assert.Equal(kind, EvalDatasetSettings.Parse(name));
        var settings = EvalDatasetSettings.For(kind);
        Assert.Equal(shortSide, settings.ShortSide);
        Assert.Equal(threshold, settings.Threshold);
    }

    [Fact]
    public void An_unknown_dataset_name_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<EngineInputException>(() => EvalDatasetSettings.Parse("voc2007"));

        Assert.Equal("--dataset", error.Subject);
        Assert.Contains("voc21, voc20, context60, context59, coco-object, coco-stuff, cityscapes, ade20k", error.Reason);
    }
}
