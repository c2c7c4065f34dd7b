using ClipSurgeryWeb.Jobs.Evaluation;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Tests.Evaluation;

/// <summary>The datasets root: what an eval's folder may be, and how members read it.</summary>
public sealed class DatasetFoldersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("csw-datasets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_folder_inside_the_root_is_found_by_its_relative_or_full_path_and_shown_relative_to_the_root()
    {
        var voc = Directory.CreateDirectory(Path.Combine(_root, "VOCdevkit", "VOC2012")).FullName;
        var folders = new DatasetFolders(_root);

        Assert.Equal(voc, folders.Require("VOCdevkit/VOC2012"));
        Assert.Equal(voc, folders.Require(voc + "/"));
        Assert.Equal(Path.Combine("VOCdevkit", "VOC2012"), folders.Shown(voc));
        Assert.Equal(["VOCdevkit"], folders.List());
    }

    [Fact]
    public void A_sibling_folder_whose_name_starts_with_the_roots_is_outside_it()
    {
        var sibling = Directory.CreateDirectory(_root + "-other").FullName;
        try
        {
            var e = Assert.Throws<RequestRejectedException>(() => new DatasetFolders(_root).Require(sibling));
            Assert.Contains("not inside the datasets folder", e.Reason);
            Assert.Equal(Path.GetFileName(sibling), new DatasetFolders(_root).Shown(sibling));
        }
        finally
        {
            Directory.Delete(sibling);
        }
    }

    [Fact]
    public void The_root_of_the_file_system_as_datasets_root_admits_every_existing_folder()
    {
        Assert.Equal(_root, new DatasetFolders(Path.GetPathRoot(_root)!).Require(_root));
    }

    [Fact]
    public void An_empty_folder_name_is_refused_as_such()
    {
        var e = Assert.Throws<RequestRejectedException>(() => new DatasetFolders(_root).Require("  "));

        Assert.Equal("dataset folder", e.Subject);
        Assert.Contains("none was given", e.Reason);
    }
}
