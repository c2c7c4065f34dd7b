using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Engine;
using ClipSurgeryWeb.Hosting.Options;
using ClipSurgeryWeb.Jobs.Running;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>A space in a server folder ends a bare path early; the server's own folders are recognised whole.</summary>
public sealed class ServerPathRootsTests
{
    [Fact]
    public void A_path_under_a_data_folder_with_a_space_is_shown_by_its_name_only()
    {
        ServerPaths.AddRootsOf(new ClipSurgeryOptions { DataDir = "App_Data" }, "/home/me/My Projects");

        Assert.Equal("cs_x.png: could not be written",
            ServerPaths.Hide("/home/me/My Projects/App_Data/results/ab/cd/cs_x.png: could not be written"));
    }

    [Fact]
    public void A_windows_path_under_program_files_is_shown_by_its_name_only()
    {
        ServerPaths.AddRoots(@"C:\Program Files\ClipSurgery Web");

        Assert.Equal("ViT-B-16.pt: not a checkpoint",
            ServerPaths.Hide(@"C:\Program Files\ClipSurgery Web\models\ViT-B-16.pt: not a checkpoint"));
    }

    [Fact]
    public void A_models_folder_given_by_the_options_is_hidden_even_outside_the_content_root()
    {
        ServerPaths.AddRootsOf(new ClipSurgeryOptions { ModelsDir = "/mnt/Shared Models/clip" }, "/srv/app");

        Assert.Equal("no CLIP model is installed in clip", ServerPaths.Hide("no CLIP model is installed in /mnt/Shared Models/clip"));
        Assert.Equal("RN50.pt: truncated", ServerPaths.Hide("/mnt/Shared Models/clip/RN50.pt: truncated"));
    }

    [Fact]
    public void An_engine_subject_that_is_a_whole_path_is_described_by_its_file_name()
    {
        var e = new EngineInputException("/opt/An Unregistered Folder/models/ViT-L-14.pt", "not a CLIP checkpoint");

        Assert.Equal("ViT-L-14.pt: not a CLIP checkpoint", RunLoop.Describe(e));
    }
}
