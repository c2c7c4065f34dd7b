using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Tests.Support;

namespace ClipSurgeryWeb.Engine.Tests.Hosting;

/// <summary>
/// Where libtorch is looked for (setting, environment, bundled, python3 — in that order), what a folder must hold,
/// how its version is read, and the refusals, each naming the folder and the reason. In-process and pure: nothing is
/// loaded (see <see cref="LibTorchProcessTests"/> for a process that runs on a found libtorch).
/// </summary>
public sealed class LibTorchLocatorTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TempFolder temp = new("libtorch-locator-");

    [Fact]
    public void The_setting_wins_over_the_environment_which_wins_over_the_bundled_libtorch()
    {
        var setting = FakeLibTorch.LibFolder(temp["setting"]);
        var environment = FakeLibTorch.LibFolder(temp["environment"]);
        var bundled = FakeLibTorch.LibFolder(temp["bundled"]);
        var python = temp["no-python-asked"];

        Assert.Equal((LibTorchOrigin.Setting, setting), Where(LibTorchLocator.Locate(setting, environment, bundled, python, Timeout)));
        Assert.Equal((LibTorchOrigin.Environment, environment), Where(LibTorchLocator.Locate(" ", environment, bundled, python, Timeout)));
        Assert.Equal((LibTorchOrigin.Bundled, bundled), Where(LibTorchLocator.Locate(null, null, bundled, python, Timeout)));
    }

    [Fact]
    public void A_libtorch_zip_root_is_taken_for_its_lib_folder_and_its_build_version_read()
    {
        var root = temp["libtorch"];
        FakeLibTorch.LibFolder(Path.Combine(root, "lib"), "libtorch_cuda.so", "libc10_cuda.so");
        File.WriteAllText(Path.Combine(root, "build-version"), "2.10.0+cu128\n");

        var found = LibTorchLocator.Inspect(root + "/", LibTorchOrigin.Setting);

        Assert.Equal(Path.Combine(root, "lib"), found.Folder);
        Assert.Equal("2.10.0+cu128", found.Version);
        Assert.Equal("12.8", found.CudaVersion);
        Assert.True(found.HasCuda);
    }

    [Fact]
    public void A_pip_torch_lib_folder_has_its_version_from_torch_version_py()
    {
        var lib = FakeLibTorch.LibFolder(temp["site-packages/torch/lib"], "libtorch_cuda.so");
        File.WriteAllText(temp["site-packages/torch/version.py"],
            "from typing import Optional\n__version__ = '2.11.0+cu130'\ndebug = False\ncuda: Optional[str] = '13.0'\nhip: Optional[str] = None\n");

        var found = LibTorchLocator.Inspect(lib, LibTorchOrigin.Environment);

        Assert.Equal(("2.11.0+cu130", "13.0", true), (found.Version, found.CudaVersion, found.HasCuda));
    }

    [Fact]
    public void The_nuget_cpu_libtorch_folder_is_named_by_its_package_and_version()
    {
        var native = FakeLibTorch.LibFolder(temp["libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"]);
        File.WriteAllText(temp["libtorch-cpu-linux-x64/2.10.0/libtorch-cpu-linux-x64.nuspec"],
            "<package><metadata><id>libtorch-cpu-linux-x64</id><version>2.10.0</version></metadata></package>");

        var found = LibTorchLocator.Inspect(native, LibTorchOrigin.Environment);

        Assert.Equal("2.10.0 (NuGet libtorch-cpu-linux-x64)", found.Version);
        Assert.False(found.HasCuda);
        Assert.Null(found.CudaVersion);
    }

    [Fact]
    public void An_unusable_folder_is_refused_naming_the_folder_where_it_came_from_and_the_reason()
    {
        var partial = temp["partial"];
        Directory.CreateDirectory(partial);
        File.WriteAllBytes(Path.Combine(partial, "libc10.so"), []);
        File.WriteAllText(temp["a-file"], "");

        var missing = Assert.Throws<EngineInputException>(() => LibTorchLocator.Locate(temp["nowhere"], null, null, "python3", Timeout));
        var file = Assert.Throws<EngineInputException>(() => LibTorchLocator.Locate(null, temp["a-file"], null, "python3", Timeout));
        var incomplete = Assert.Throws<EngineInputException>(() => LibTorchLocator.Inspect(partial, LibTorchOrigin.Environment));

        Assert.Equal($"libtorch folder {temp["nowhere"]} (the ClipSurgery:LibTorchDir setting)", missing.Subject);
        Assert.Equal("does not exist", missing.Reason);
        Assert.Equal($"libtorch folder {temp["a-file"]} (CLIPSURGERY_LIBTORCH)", file.Subject);
        Assert.Equal("is a file, not a folder", file.Reason);
        Assert.Contains(partial, incomplete.Subject);
        Assert.StartsWith("has no libtorch_cpu.so, libtorch.so: not a libtorch lib folder", incomplete.Reason);
    }

    [Fact]
    public void Without_a_bundled_libtorch_python3_is_asked_for_its_torch_lib_folder_and_version()
    {
        var lib = FakeLibTorch.LibFolder(temp["venv/torch/lib"], "libtorch_cuda.so");
        var python = FakeLibTorch.Python(temp["bin-answers"], $"{lib}\n2.11.0+cu130\n13.0");

        var found = LibTorchLocator.Locate(null, null, null, python, Timeout);

        Assert.Equal((LibTorchOrigin.Python, lib), Where(found));
        Assert.Equal(("2.11.0+cu130", "13.0", true), (found.Version, found.CudaVersion, found.HasCuda));
        Assert.Equal("from python3", found.OriginText);
    }

    [Fact]
    public void A_python3_without_torch_gives_a_refusal_that_names_every_way_to_give_libtorch()
    {
        var python = FakeLibTorch.Python(temp["bin-no-torch"], "", 1, "Traceback (most recent call last):\nModuleNotFoundError: No module named 'torch'");

        var e = Assert.Throws<EngineInputException>(() => LibTorchLocator.Locate(null, null, null, python, Timeout));

        Assert.Equal("libtorch", e.Subject);
        Assert.Contains("this build carries no libtorch (the TorchBackend=cuda flavour)", e.Reason);
        Assert.Contains("ClipSurgery:LibTorchDir", e.Reason);
        Assert.Contains("CLIPSURGERY_LIBTORCH", e.Reason);
        Assert.Contains("has no usable torch: ModuleNotFoundError: No module named 'torch'", e.Reason);
    }

    [Fact]
    public void A_missing_or_silent_python3_is_a_refusal_too_not_a_hang()
    {
        var silent = FakeLibTorch.Python(temp["bin-silent"], "never", sleepSeconds: 30);

        var absent = Assert.Throws<EngineInputException>(() => LibTorchLocator.Locate(null, null, null, temp["bin-none/python3"], Timeout));
        var started = DateTime.UtcNow;
        var hung = Assert.Throws<EngineInputException>(() => LibTorchLocator.Locate(null, null, null, silent, TimeSpan.FromSeconds(1)));

        Assert.Contains($"{temp["bin-none/python3"]} could not be run", absent.Reason);
        Assert.Contains("did not answer within 1 s", hung.Reason);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "the python3 probe waited past its timeout");
    }

    [Fact]
    public void A_python3_answering_a_folder_that_is_no_libtorch_is_refused_naming_that_folder()
    {
        var python = FakeLibTorch.Python(temp["bin-wrong"], $"{temp["empty-lib"]}\n2.11.0");
        Directory.CreateDirectory(temp["empty-lib"]);

        var e = Assert.Throws<EngineInputException>(() => LibTorchLocator.Locate(null, null, null, python, Timeout));

        Assert.Equal($"libtorch folder {temp["empty-lib"]} (python3's torch)", e.Subject);
        Assert.StartsWith("has no libc10.so, libtorch_cpu.so, libtorch.so", e.Reason);
    }

    private static (LibTorchOrigin, string) Where(LibTorchLocation location) => (location.Origin, location.Folder);

    public void Dispose() => temp.Dispose();
}
