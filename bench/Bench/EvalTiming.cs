using System.Diagnostics;
using ClipSurgeryWeb.Engine.Checkpoints;
using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Explaining;
using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Labelling;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Engine.Tokenization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// An eval's throughput (issue 12, section 4: "a 500-image VOC eval"): <c>ClipPipeline.Evaluate</c> — each method
/// under its own VOC21 protocol (NACLIP: whole image + PAMR; SCLIP: slide 224/112, area threshold), labels at the
/// image's size — on a VOC-layout folder of <c>--images</c> copies of <c>demo.jpg</c> at VOC's 500×375, with a label
/// PNG each. <c>eval [--model ViT-B/16|tiny] [--images N] [--methods naclip,sclip] [--pamr on|off]</c>: the first image is a warm-up
/// (text features, position-embedding tables) and is left out of the figure; wall clock and process CPU per image.
/// </summary>
public static class EvalTiming
{
    public static int Run(string[] args)
    {
        string model = Option(args, "--model") ?? "ViT-B/16";
        int images = int.Parse(Option(args, "--images") ?? "6");
        var methods = MapMethods.Parse(Option(args, "--methods") ?? "naclip,sclip");
        bool? pamr = Option(args, "--pamr") switch { "on" => true, "off" => false, _ => null };
        var device = ComputeDevice.Parse(Environment.GetEnvironmentVariable("CLIPSURGERY_DEVICE") ?? "cpu");
        var shared = Path.Combine(BenchArgs.RepoRoot(), "..", "shared", "reference");
        using var random = model == "tiny" ? null : RandomCheckpoint.Write(model);
        var checkpoint = random?.Path ?? Path.Combine(shared, "fixtures", "methods", "clip_vit_tiny_methods_state_dict.pt");
        var tokenizer = ClipTokenizer.FromFile(Path.Combine(shared, "bpe_simple_vocab_16e6.txt.gz"));
        using var explainer = ClipExplainer.Load(checkpoint, tokenizer, new EngineOptions(device), Activation.QuickGelu);
        var pipeline = new ClipPipeline(explainer, tokenizer);

        var root = Directory.CreateTempSubdirectory("clipsurgery-bench-voc-").FullName;
        try
        {
            WriteVoc(root, Path.Combine(shared, "images", "demo.jpg"), images);
            var process = Process.GetCurrentProcess();
            var wall = new Stopwatch();
            TimeSpan cpu = default;
            void OnEvent(PipelineEvent e)
            {
                if (e is not EvalProgressed { Done: 1 })
                    return;
                process.Refresh();
                cpu = process.TotalProcessorTime;
                wall.Restart();   // the warm-up image is done
            }
            pipeline.Evaluate(new EvalRequest(root, EvalDatasetKind.Voc21, methods, Path.Combine(root, "report"), Pamr: pamr), OnEvent, CancellationToken.None);
            wall.Stop();
            process.Refresh();
            int timed = images - 1;
            double seconds = wall.Elapsed.TotalSeconds / timed, cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds / timed;
            Console.WriteLine($"{model} {string.Join(",", methods)} on {device}: {timed} images of 500×375 after one warm-up: " +
                $"{seconds:F2} s/image wall = {1 / seconds:F2} images/s, CPU {cpuSeconds:F2} s/image ({TorchSharp.torch.get_num_threads()} torch threads)");
            foreach (var protocol in EvalProtocol.ForRequest(new EvalRequest(root, EvalDatasetKind.Voc21, methods, root, Pamr: pamr)))
                Console.WriteLine($"  {protocol.Describe()}");
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>VOC2012's layout: <c>JPEGImages</c>, <c>SegmentationClass</c> (palette PNG: class ids 0…20, a 255 border), <c>ImageSets/Segmentation/val.txt</c>.</summary>
    private static void WriteVoc(string root, string source, int count)
    {
        var jpegs = Directory.CreateDirectory(Path.Combine(root, "JPEGImages")).FullName;
        var labels = Directory.CreateDirectory(Path.Combine(root, "SegmentationClass")).FullName;
        var sets = Directory.CreateDirectory(Path.Combine(root, "ImageSets", "Segmentation")).FullName;
        using var image = Image.Load<Rgb24>(source);
        image.Mutate(i => i.Resize(500, 375));
        var ids = new byte[500 * 375];
        for (int y = 0; y < 375; y++)
            for (int x = 0; x < 500; x++)
                ids[y * 500 + x] = (byte)(x < 3 || y < 3 || x >= 497 || y >= 372 ? 255 : (x / 100 + y / 125 * 5) % 21);
        var palette = Enumerable.Range(0, 256).Select(i => ((byte)(i * 37), (byte)(i * 91), (byte)(i * 53))).ToList();
        var names = Enumerable.Range(0, count).Select(i => $"2007_{i:D6}").ToList();
        foreach (var name in names)
        {
            image.SaveAsJpeg(Path.Combine(jpegs, name + ".jpg"));
            LabelMapPng.Write(Path.Combine(labels, name + ".png"), ids, 500, 375, palette);
        }
        File.WriteAllLines(Path.Combine(sets, "val.txt"), names);
    }
}
