using System.IO.Compression;
using Bunit;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Tests.Support;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.State;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ModelsPage = ClipSurgeryWeb.Web.Components.Pages.Models.Models;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>
/// "Register a fine-tune" on the real engine with Hugging Face and OpenCLIP copies of the tiny ViT (made here from the
/// key maps): a zipped folder, a checkpoint with its config, and OpenAI-style weights that need the activation chosen.
/// </summary>
public sealed class ModelRegistrationPageTests : ComponentTestContext
{
    private static readonly string Vit = Path.Combine(RealEngine.SharedReference, "fixtures", "clip_vit_tiny_jit.pt");

    private readonly string _models;
    private readonly string _work;

    public ModelRegistrationPageTests()
    {
        _models = Path.Combine(Root, "models");
        _work = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        Services.AddSingleton<IClipEngine>(new EngineClipEngine(new EngineClipEngineSettings(_models, Path.Combine(RealEngine.SharedReference, "bpe_simple_vocab_16e6.txt.gz"))));
        Auth.SetRoles(Roles.Admin);
        Auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "admin-1"));
        EnsureDatabase();
    }

    private async Task<IRenderedComponent<ModelsPage>> RenderPageAsync()
    {
        await Services.GetRequiredService<LiveFeed>().StartAsync();
        Render<MudPopoverProvider>();   // MudBlazor's selects need it in the page, as the layout has it
        var page = Render<ModelsPage>();
        page.WaitForElement("[data-testid=checkpoint-input]");
        return page;
    }

    /// <summary>The ViT fixture as transformers saves a CLIPModel, zipped as a folder (as a user zips a downloaded hub folder).</summary>
    private byte[] ZippedHuggingFaceFolder(string folderName)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, folderName)).FullName;
        var openAi = LayoutCopies.OpenAiTensors(Vit);
        var hf = LayoutCopies.ToHuggingFace(openAi);
        LayoutCopies.WriteSafetensors(Path.Combine(folder, "model.safetensors"), hf);
        LayoutCopies.DisposeAll(openAi);
        LayoutCopies.DisposeAll(hf);
        using (var sd = StateDict.Load(Vit))
            LayoutCopies.WriteHuggingFaceConfig(folder, ClipConfig.FromStateDict(sd), "quick_gelu");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{}");
        var zip = Path.Combine(_work, folderName + ".zip");
        ZipFile.CreateFromDirectory(folder, zip, CompressionLevel.Fastest, includeBaseDirectory: true);
        return File.ReadAllBytes(zip);
    }

    private static byte[] OpenAiNamedSafetensors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oc-{Guid.NewGuid():N}.safetensors");
        var tensors = LayoutCopies.OpenAiTensors(Vit);
        LayoutCopies.WriteSafetensors(path, tensors);
        LayoutCopies.DisposeAll(tensors);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    private static void Upload(IRenderedComponent<ModelsPage> page, params InputFileContent[] files) =>
        page.FindComponent<InputFile>().UploadFiles(files);

    private static string Message(IRenderedComponent<ModelsPage> page) =>
        string.Join("\n", page.FindAll("[data-testid=models-message]").Select(m => m.TextContent.Trim()));

    [Fact]
    public async Task A_zipped_Hugging_Face_folder_is_registered_and_listed_with_its_layout_and_activation()
    {
        var page = await RenderPageAsync();

        Upload(page, InputFileContent.CreateFromBinary(ZippedHuggingFaceFolder("clip-vit-tiny-hf"), "clip-vit-tiny-hf.zip", contentType: "application/zip"));

        page.WaitForAssertion(() => Assert.Contains("clip-vit-tiny-hf: registered as a CLIP safetensors checkpoint (Hugging Face layout, quick_gelu)", Message(page)));
        Assert.True(File.Exists(Path.Combine(_models, "clip-vit-tiny-hf", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(_models, "clip-vit-tiny-hf", "config.json")));
        page.WaitForAssertion(() => Assert.Contains("safetensors · Hugging Face · quick_gelu",
            page.FindAll("[data-testid=model-format]").Select(f => f.TextContent.Trim())));
        Assert.DoesNotContain(Root, page.Markup);
    }

    [Fact]
    public async Task A_checkpoint_and_its_OpenCLIP_config_chosen_together_are_installed_as_a_folder()
    {
        var page = await RenderPageAsync();

        Upload(page,
            InputFileContent.CreateFromBinary(OpenAiNamedSafetensors(), "laion-finetune.safetensors"),
            InputFileContent.CreateFromText("""{"model_cfg": {"embed_dim": 64, "vision_cfg": {"head_width": 64}}}""", "open_clip_config.json", contentType: "application/json"));

        page.WaitForAssertion(() => Assert.Contains("laion-finetune: registered as a CLIP safetensors checkpoint (OpenCLIP layout, gelu)", Message(page)));
        Assert.True(File.Exists(Path.Combine(_models, "laion-finetune", "laion-finetune.safetensors")));
        Assert.True(File.Exists(Path.Combine(_models, "laion-finetune", "open_clip_config.json")));
    }

    [Fact]
    public async Task OpenAI_style_weights_without_a_config_ask_for_the_activation_instead_of_guessing()
    {
        var page = await RenderPageAsync();
        var weights = OpenAiNamedSafetensors();

        Upload(page, InputFileContent.CreateFromBinary(weights, "my-finetune.safetensors"));

        page.WaitForAssertion(() => Assert.Contains("Choose its activation and register it again", Message(page)));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(_models), p => Path.GetFileName(p).StartsWith("my-finetune", StringComparison.Ordinal));
        var select = page.FindComponents<MudSelect<string>>()
            .Single(c => c.Instance.UserAttributes.TryGetValue("data-testid", out var id) && Equals(id, "activation-select"));
        Assert.NotEmpty(page.FindAll(".mud-input-error"));   // the select is marked: the admin is asked, nothing is guessed

        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync("quick_gelu"));
        Upload(page, InputFileContent.CreateFromBinary(weights, "again.safetensors"));   // another name: the first try left nothing behind either way

        page.WaitForAssertion(() => Assert.Contains("again: registered as a CLIP safetensors checkpoint (OpenCLIP layout, quick_gelu)", Message(page)));
        var config = File.ReadAllText(Path.Combine(_models, "again", "open_clip_config.json"));
        Assert.Contains("\"quick_gelu\":true", config);
    }

    [Fact]
    public async Task A_zip_with_a_path_out_of_its_folder_is_refused_and_the_models_folder_is_unchanged()
    {
        var page = await RenderPageAsync();
        var before = Directory.GetFileSystemEntries(_models).Order().ToList();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("model.safetensors").Open()) s.Write(new byte[16]);
            using (var s = zip.CreateEntry("../../escaped.json").Open()) s.Write("{}"u8);
        }

        Upload(page, InputFileContent.CreateFromBinary(buffer.ToArray(), "evil.zip", contentType: "application/zip"));

        page.WaitForAssertion(() => Assert.Contains("evil.zip: the zip entry '../../escaped.json' has an unsafe path", Message(page)));
        Assert.Equal(before, Directory.GetFileSystemEntries(_models).Where(p => !p.EndsWith(".incoming", StringComparison.Ordinal)).Order().ToList());
        Assert.False(File.Exists(Path.Combine(Root, "escaped.json")));
    }

    [Fact]
    public async Task A_folder_and_a_file_without_config_copied_into_the_models_folder_are_listed_with_what_their_files_say()
    {
        var hub = Path.Combine(_models, "CLIP-ViT-B-32-laion2B-s34B-b79K");
        Directory.CreateDirectory(hub);
        await File.WriteAllBytesAsync(Path.Combine(hub, "open_clip_model.safetensors"), OpenAiNamedSafetensors());
        await File.WriteAllBytesAsync(Path.Combine(_models, "someones-finetune.safetensors"), OpenAiNamedSafetensors());

        var page = await RenderPageAsync();

        page.WaitForAssertion(() => Assert.Equal(["CLIP-ViT-B-32-laion2B-s34B-b79K", "someones-finetune"],
            page.FindAll("[data-testid=model-name]").Select(n => n.TextContent.Trim())));
        Assert.Equal(["safetensors · OpenCLIP · gelu", "safetensors · OpenCLIP · activation unknown"],
            page.FindAll("[data-testid=model-format]").Select(f => f.TextContent.Trim()));
    }
}
