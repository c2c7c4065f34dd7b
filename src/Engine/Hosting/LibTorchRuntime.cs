namespace ClipSurgeryWeb.Engine.Hosting;

/// <summary>
/// The libtorch of this process, chosen and loaded once, before TorchSharp's first native call: by the host's
/// start-up (with the <see cref="LibTorchLocator.Setting"/>) or by <see cref="ComputeDevice"/> (environment,
/// bundled, python3). A folder from <see cref="LibTorchLocator"/> is preloaded (<see cref="NativePreload"/>); the
/// bundled one is left to TorchSharp's own loader.
/// </summary>
public static class LibTorchRuntime
{
    private static readonly Lock Gate = new();
    private static LibTorchLocation? loaded;

    /// <summary>The libtorch chosen so far; null before the first <see cref="EnsureLoaded"/>.</summary>
    public static LibTorchLocation? Loaded
    {
        get
        {
            lock (Gate)
                return loaded;
        }
    }

    /// <summary>
    /// Chooses and loads libtorch once; later calls return the same. A later call naming another folder is refused:
    /// a process cannot change its libtorch.
    /// </summary>
    public static LibTorchLocation EnsureLoaded(string? settingDir = null)
    {
        lock (Gate)
        {
            if (loaded is not null)
            {
                if (!string.IsNullOrWhiteSpace(settingDir) && !IsLoadedFolder(settingDir, loaded))
                    throw new EngineInputException($"libtorch folder {settingDir} ({LibTorchLocator.Setting})",
                        $"this process already runs libtorch {loaded.OriginText} ({loaded.Folder}); set the folder before the engine starts");
                return loaded;
            }
            var location = LibTorchLocator.Locate(settingDir);
            if (location.Origin != LibTorchOrigin.Bundled)
            {
                var bundled = LibTorchLocator.BundledFolder();
                if (bundled is not null)
                    throw new EngineInputException($"libtorch folder {location.Folder} ({location.OriginText})",
                        $"this build bundles libtorch ({bundled}) and TorchSharp would load both; build with -p:TorchBackend=cuda to run on another libtorch");
                NativePreload.Load(location.Folder, $"libtorch folder {location.Folder} ({location.OriginText})");
            }
            loaded = location;
            return location;
        }
    }

    private static bool IsLoadedFolder(string settingDir, LibTorchLocation location)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(settingDir.Trim()));
        return location.Origin == LibTorchOrigin.Setting
               && (full == location.Folder || Path.Combine(full, "lib") == location.Folder);
    }
}
