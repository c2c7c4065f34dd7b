namespace ClipSurgeryWeb.Web.E2E.Support;

/// <summary>The reference sample images in ../shared beside the repository root.</summary>
public static class SampleImages
{
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ClipSurgeryWeb.sln")))
                return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "reference", "images", name));
        }
        throw new InvalidOperationException($"No ClipSurgeryWeb.sln above {AppContext.BaseDirectory}");
    }
}
