using System.Security.Cryptography;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Hosting.Storage;
using ClipSurgeryWeb.Tests.Fakes;
using ClipSurgeryWeb.Jobs.Tests.Support;

namespace ClipSurgeryWeb.Jobs.Tests;

/// <summary>
/// Listing models reads headers only; SHA-256 is computed off the request path. The queue is drained here by the test
/// itself (no worker runs), so "listing does not wait for the hash" is shown without a clock.
/// </summary>
public sealed class ModelChecksumTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("csw-sums-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Listing_a_large_checkpoint_answers_computing_without_hashing_it_and_the_checksum_once_it_is_computed()
    {
        var models = Directory.CreateDirectory(Path.Combine(_root, "models")).FullName;
        var path = FakeCheckpoints.WriteSamSafetensors(Path.Combine(models, "big_sam.safetensors"), 48L << 20);
        var events = new RecordingJobEvents();
        var checksums = new ModelChecksums(events);
        var catalog = new ModelsFolder(new EngineClipEngine(new EngineClipEngineSettings(models, Path.Combine(models, "vocab.txt.gz"))),
            new FileStore(Path.Combine(_root, "data"), models), events, checksums);

        var listed = Assert.Single(catalog.List());
        Assert.Equal(("big_sam", "sam", "safetensors"), (listed.Name, listed.Kind, listed.Format));
        Assert.True(listed.SizeBytes > 48L << 20);
        Assert.Equal(ChecksumState.Computing, listed.Checksum);
        Assert.Null(listed.Sha256);
        Assert.Equal(ChecksumState.Computing, Assert.Single(catalog.List()).Checksum);
        Assert.Empty(events.Events);

        Assert.True(await checksums.ComputeNextAsync(CancellationToken.None));
        Assert.False(await checksums.ComputeNextAsync(CancellationToken.None)); // listed twice, hashed once

        var hashed = Assert.Single(catalog.List());
        Assert.Equal(ChecksumState.Done, hashed.Checksum);
        await using (var content = File.OpenRead(path))
            Assert.Equal(Convert.ToHexStringLower(await SHA256.HashDataAsync(content)), hashed.Sha256);
        Assert.Contains(events.Events, e => e.Kind == JobEventKind.ModelsChanged && e.Message == "big_sam.safetensors");
    }

    [Fact]
    public async Task A_checkpoint_replaced_after_it_was_hashed_is_computing_again_until_its_new_checksum_is_known()
    {
        var models = Directory.CreateDirectory(Path.Combine(_root, "models")).FullName;
        var path = FakeCheckpoints.WriteSamSafetensors(Path.Combine(models, "sam.safetensors"), 1 << 20);
        var checksums = new ModelChecksums(new RecordingJobEvents());
        checksums.For(path);
        await checksums.ComputeNextAsync(CancellationToken.None);
        var first = checksums.For(path);

        FakeCheckpoints.WriteSamSafetensors(path, 2 << 20);

        Assert.Equal(ChecksumState.Done, first.State);
        Assert.Equal((null, ChecksumState.Computing), checksums.For(path));
        Assert.True(await checksums.ComputeNextAsync(CancellationToken.None));
        var second = checksums.For(path);
        Assert.Equal(ChecksumState.Done, second.State);
        Assert.NotEqual(first.Sha256, second.Sha256);
    }
}
