using ClipSurgeryWeb.Engine.Evaluation;
using ClipSurgeryWeb.Engine.Tests.Support;
using static ClipSurgeryWeb.Engine.Tests.Evaluation.EvalDatasetFiles;

namespace ClipSurgeryWeb.Engine.Tests.Evaluation;

public sealed class EvalDatasetTests
{
    [Fact]
    public void VOC21_follows_val_txt_order_and_reads_palette_indices_as_classes()
    {
        using var folder = new TempFolder();
        var voc = BuildVoc(folder.Path);

        var dataset = EvalDataset.Open(folder.Path, EvalDatasetKind.Voc21);   // the folder above VOCdevkit

        Assert.Equal(voc, dataset.Root);
        Assert.Equal(21, dataset.ClassCount);
        Assert.Equal(["2007_000129", "2007_000033"], dataset.Samples.Select(s => s.Id));
        Assert.Equal(Path.Combine(voc, "JPEGImages", "2007_000129.jpg"), dataset.Samples[0].ImagePath);
        Assert.Equal(First, dataset.Samples[0].ReadLabels().Values);
        Assert.Equal(Second, dataset.Samples[1].ReadLabels().Values);
    }

    [Fact]
    public void VOC20_ignores_background_and_shifts_classes_down_by_one()
    {
        using var folder = new TempFolder();
        var voc = BuildVoc(folder.Path);

        var dataset = EvalDataset.Open(voc, EvalDatasetKind.Voc20);

        Assert.Equal(20, dataset.ClassCount);
        Assert.Equal(new byte[] { 255, 255, 255, 255, 255, 14, 14, 0, 255, 255, 19, 19 }, dataset.Samples[0].ReadLabels().Values);
    }

    [Theory]
    [InlineData(EvalDatasetKind.Context60, 60, false)]
    [InlineData(EvalDatasetKind.Context59, 59, true)]
    public void Pascal_Context_reads_mmseg_converted_grey_labels(EvalDatasetKind kind, int classes, bool reduced)
    {
        using var folder = new TempFolder();
        var root = Path.Combine(folder.Path, "VOCdevkit", "VOC2010");
        Image(root, "JPEGImages/2008_000008.jpg");
        Grey(root, "SegmentationClassContext/2008_000008.png", First);
        TextFile(root, "ImageSets/SegmentationContext/val.txt", "2008_000008\n");

        var dataset = EvalDataset.Open(folder.Path, kind);

        Assert.Equal(classes, dataset.ClassCount);
        var sample = Assert.Single(dataset.Samples);
        var expected = (byte[])First.Clone();
        if (reduced)
            expected = [255, 255, 255, 255, 255, 14, 14, 0, 255, 255, 19, 19];
        Assert.Equal(expected, sample.ReadLabels().Values);
    }

    [Fact]
    public void COCO_Stuff_pairs_each_val2017_image_with_its_labelTrainIds_in_name_order()
    {
        using var folder = new TempFolder();
        Image(folder.Path, "images/val2017/000000000632.jpg");
        Image(folder.Path, "images/val2017/000000000139.jpg");
        Grey(folder.Path, "annotations/val2017/000000000632_labelTrainIds.png", First);
        Grey(folder.Path, "annotations/val2017/000000000139_labelTrainIds.png", Second);
        Grey(folder.Path, "annotations/val2017/000000000139.png", First);   // the raw ids, not read

        var dataset = EvalDataset.Open(folder.Path, EvalDatasetKind.CocoStuff);

        Assert.Equal(171, dataset.ClassCount);
        Assert.Equal(["000000000139", "000000000632"], dataset.Samples.Select(s => s.Id));
        Assert.Equal(Second, dataset.Samples[0].ReadLabels().Values);
        Assert.EndsWith("000000000632_labelTrainIds.png", dataset.Samples[1].LabelPath);
    }

    [Fact]
    public void COCO_Object_reads_the_instanceTrainIds_labels_beside_the_same_images()
    {
        using var folder = new TempFolder();
        Image(folder.Path, "images/val2017/000000000139.jpg");
        Grey(folder.Path, "annotations/val2017/000000000139_instanceTrainIds.png", First);
        Grey(folder.Path, "annotations/val2017/000000000139_labelTrainIds.png", Second);

        var dataset = EvalDataset.Open(folder.Path, EvalDatasetKind.CocoObject);

        Assert.Equal(81, dataset.ClassCount);
        Assert.Equal(First, Assert.Single(dataset.Samples).ReadLabels().Values);
    }

    [Fact]
    public void Cityscapes_pairs_leftImg8bit_with_gtFine_labelTrainIds_across_cities()
    {
        using var folder = new TempFolder();
        Image(folder.Path, "leftImg8bit/val/munster/munster_000000_000019_leftImg8bit.png");
        Image(folder.Path, "leftImg8bit/val/frankfurt/frankfurt_000000_000294_leftImg8bit.png");
        Grey(folder.Path, "gtFine/val/munster/munster_000000_000019_gtFine_labelTrainIds.png", Second);
        Grey(folder.Path, "gtFine/val/frankfurt/frankfurt_000000_000294_gtFine_labelTrainIds.png", First);
        Grey(folder.Path, "gtFine/val/frankfurt/frankfurt_000000_000294_gtFine_labelIds.png", Second);

        var dataset = EvalDataset.Open(folder.Path, EvalDatasetKind.Cityscapes);

        Assert.Equal(19, dataset.ClassCount);
        Assert.Equal(["frankfurt/frankfurt_000000_000294", "munster/munster_000000_000019"], dataset.Samples.Select(s => s.Id));
        Assert.Equal(First, dataset.Samples[0].ReadLabels().Values);
        Assert.Equal(Second, dataset.Samples[1].ReadLabels().Values);
    }

    [Fact]
    public void ADE20K_reduces_zero_labels_and_is_found_inside_ADEChallengeData2016()
    {
        using var folder = new TempFolder();
        var root = Path.Combine(folder.Path, "ADEChallengeData2016");
        Image(root, "images/validation/ADE_val_00000002.jpg");
        Image(root, "images/validation/ADE_val_00000001.jpg");
        Grey(root, "annotations/validation/ADE_val_00000001.png", [0, 1, 150, 255]);
        Grey(root, "annotations/validation/ADE_val_00000002.png", First);

        var dataset = EvalDataset.Open(folder.Path, EvalDatasetKind.Ade20k);

        Assert.Equal(150, dataset.ClassCount);
        Assert.Equal(root, dataset.Root);
        Assert.Equal(["ADE_val_00000001", "ADE_val_00000002"], dataset.Samples.Select(s => s.Id));
        Assert.Equal(new byte[] { 255, 0, 149, 255 }, dataset.Samples[0].ReadLabels().Values);
    }

    [Fact]
    public void A_missing_label_folder_is_named_with_the_layout_expected()
    {
        using var folder = new TempFolder();
        var voc = BuildVoc(folder.Path);
        Directory.Delete(Path.Combine(voc, "SegmentationClass"), recursive: true);

        var error = Assert.Throws<EngineInputException>(() => EvalDataset.Open(voc, EvalDatasetKind.Voc21));

        Assert.Equal(voc, error.Subject);
        Assert.Contains("no SegmentationClass folder", error.Reason);
        Assert.Contains("ImageSets/Segmentation/val.txt", error.Reason);
    }

    [Fact]
    public void A_missing_split_file_is_named()
    {
        using var folder = new TempFolder();
        var voc = BuildVoc(folder.Path);
        File.Delete(Path.Combine(voc, "ImageSets", "Segmentation", "val.txt"));

        var error = Assert.Throws<EngineInputException>(() => EvalDataset.Open(voc, EvalDatasetKind.Voc20));

        Assert.Equal(Path.Combine(voc, "ImageSets", "Segmentation", "val.txt"), error.Subject);
        Assert.StartsWith("missing", error.Reason);
    }

    [Fact]
    public void An_image_without_its_label_map_is_named_before_any_image_is_read()
    {
        using var folder = new TempFolder();
        Image(folder.Path, "leftImg8bit/val/ulm/ulm_000001_000019_leftImg8bit.png");
        Directory.CreateDirectory(Path.Combine(folder.Path, "gtFine", "val", "ulm"));

        var error = Assert.Throws<EngineInputException>(() => EvalDataset.Open(folder.Path, EvalDatasetKind.Cityscapes));

        Assert.Equal(Path.Combine(folder.Path, "gtFine", "val", "ulm", "ulm_000001_000019_gtFine_labelTrainIds.png"), error.Subject);
        Assert.Contains("ulm_000001_000019_leftImg8bit.png", error.Reason);
    }

    [Fact]
    public void An_image_listed_in_the_split_but_absent_is_named()
    {
        using var folder = new TempFolder();
        var voc = BuildVoc(folder.Path);
        File.Delete(Path.Combine(voc, "JPEGImages", "2007_000033.jpg"));

        var error = Assert.Throws<EngineInputException>(() => EvalDataset.Open(voc, EvalDatasetKind.Voc21));

        Assert.Equal(Path.Combine(voc, "JPEGImages", "2007_000033.jpg"), error.Subject);
        Assert.Contains("val.txt", error.Reason);
    }

    [Fact]
    public void An_image_folder_without_images_is_refused()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(Path.Combine(folder.Path, "images", "val2017"));
        Directory.CreateDirectory(Path.Combine(folder.Path, "annotations", "val2017"));

        var error = Assert.Throws<EngineInputException>(() => EvalDataset.Open(folder.Path, EvalDatasetKind.CocoStuff));

        Assert.Equal(Path.Combine(folder.Path, "images", "val2017"), error.Subject);
        Assert.Contains("no *.jpg images", error.Reason);
    }

    [Fact]
    public void Predictions_equal_to_a_datasets_labels_score_100()
    {
        using var folder = new TempFolder();
        BuildVoc(folder.Path);
        var dataset = EvalDataset.Open(folder.Path, EvalDatasetKind.Voc21);
        var metrics = new SegmentationMetrics(dataset.ClassCount);

        foreach (var sample in dataset.Samples)
        {
            var labels = sample.ReadLabels().Values;
            var prediction = labels.Select(v => v == 255 ? (byte)0 : v).ToArray();   // any class under ignore pixels
            metrics.Add(sample.Id, prediction, labels);
        }

        var scores = metrics.Compute();
        Assert.Equal(100.0, scores.MeanIoU * 100);
        Assert.Equal(100.0, scores.AllAccuracy * 100);
        Assert.Equal(7, scores.ClassIoU.Count(v => !double.IsNaN(v)));   // classes 0, 1, 3, 9, 12, 15, 20 appear; the rest are NaN
    }
}
