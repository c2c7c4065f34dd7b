using System.Security.Cryptography;

namespace ClipSurgeryWeb.Engine.Checkpoints;

/// <summary>
/// Downloads an official file into the models folder: streamed to a temporary file, hashed on the way, checked
/// against the pinned SHA-256, then moved into place. A failed or mismatching download leaves nothing behind.
/// </summary>
public sealed class ModelDownloader(HttpClient http)
{
    public async Task<string> DownloadAsync(OfficialModel model, string modelsDir, IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        Directory.CreateDirectory(modelsDir);
        var target = Path.Combine(modelsDir, model.FileName);
        var tmp = $"{target}.{Guid.NewGuid():N}.part";
        try
        {
            using var response = await http.GetAsync(model.Url, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
                throw new EngineInputException(model.Name, $"download from {model.Url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            long? total = response.Content.Headers.ContentLength;

            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var source = await response.Content.ReadAsStreamAsync(ct))
            await using (var output = File.Create(tmp))
            {
                var buffer = new byte[1 << 20];
                long done = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                    sha.AppendData(buffer, 0, read);
                    done += read;
                    progress?.Report(new DownloadProgress(model.Name, done, total));
                }
            }

            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (model.Sha256 is not null && !string.Equals(actual, model.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new EngineInputException(model.Name, $"downloaded file has SHA-256 {actual}, expected {model.Sha256}; nothing was kept");
            File.Move(tmp, target, overwrite: true);
            return target;
        }
        catch (HttpRequestException e)
        {
            throw new EngineInputException(model.Name, $"download from {model.Url} failed ({e.Message})", e);
        }
        finally
        {
            if (File.Exists(tmp))
                File.Delete(tmp);
        }
    }
}
