using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Labelling;

/// <summary>Class lists as the methods' class files and the CLI's <c>--labels</c> give them: ids, queries, background.</summary>
public sealed class ClassListTests
{
    [Fact]
    public void The_methods_class_file_is_seven_classes_with_ten_queries()
    {
        var classes = ClassList.Read(Shared.Fixture(Path.Combine("methods", "methods_names.txt")));
        Assert.Equal(7, classes.Count);
        Assert.Equal(["background", "sky", "cat", "bench", "person", "building", "table"], classes.Classes.Select(c => c.Name));
        Assert.Equal(["background", "sky", "clouds", "cat", "kitten", "bench", "person", "people", "building", "table"], classes.Queries);
        Assert.Equal([0, 1, 1, 2, 2, 3, 4, 4, 5, 6], classes.QueryClass);
        Assert.True(classes.HasBackground);
        Assert.Same(classes, classes.WithBackground());
    }

    [Fact]
    public void Labels_are_one_class_each_and_a_background_shifts_them_up()
    {
        var classes = ClassList.FromLabels(" cat , dog,,bench ");
        Assert.Equal(["cat", "dog", "bench"], classes.Classes.Select(c => c.Name));
        Assert.False(classes.HasBackground);
        var withBackground = classes.WithBackground();
        Assert.Equal(["background", "cat", "dog", "bench"], withBackground.Classes.Select(c => c.Name));
        Assert.Equal([0, 1, 2, 3], withBackground.Classes.Select(c => c.Id));
        Assert.True(withBackground.HasBackground);
    }

    [Fact]
    public void Blank_lines_and_CRLF_are_skipped_in_a_class_file()
    {
        var classes = ClassList.Parse("sky, clouds\r\n\r\n  \ncat\n");
        Assert.Equal(2, classes.Count);
        Assert.Equal(["sky", "clouds"], classes.Classes[0].Names);
    }

    [Theory]
    [InlineData("sky, clouds\ncat, sky", "'sky' is named twice")]
    [InlineData("sky,\ncat", "class 1 ('sky,') has an empty name")]
    [InlineData("sky, sky\ncat", "class 1 ('sky, sky') names a name twice")]
    [InlineData("\n \n", "no class given")]
    public void Bad_class_files_are_refused_naming_the_problem(string text, string reason)
    {
        var e = Assert.Throws<EngineInputException>(() => ClassList.Parse(text, "names.txt"));
        Assert.Equal("names.txt", e.Subject);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void A_name_in_two_classes_is_kept_in_both_only_when_the_caller_allows_it()
    {
        var classes = ClassList.Of(["sky, bed", "bed"], "coco_object", repeatsAllowed: true);
        Assert.Equal(["sky", "bed", "bed"], classes.Queries);
        Assert.Equal([0, 0, 1], classes.QueryClass);
        Assert.Throws<EngineInputException>(() => ClassList.Of(["sky, bed", "bed"], "labels"));
    }

    [Fact]
    public void A_missing_class_file_is_named()
    {
        var e = Assert.Throws<EngineInputException>(() => ClassList.Read("/nowhere/names.txt"));
        Assert.Equal("/nowhere/names.txt", e.Subject);
        Assert.Contains("not found", e.Reason);
    }

    [Fact]
    public void More_classes_than_a_uint8_map_holds_are_refused()
    {
        var e = Assert.Throws<EngineInputException>(() => ClassList.Of(Enumerable.Range(0, 256).Select(i => $"c{i}")));
        Assert.Contains("at most 255", e.Reason);
    }
}
