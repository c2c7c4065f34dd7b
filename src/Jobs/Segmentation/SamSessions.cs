using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Points;
using ClipSurgeryWeb.Engine.Segmentation;
using ClipSurgeryWeb.Jobs.Engine;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace ClipSurgeryWeb.Jobs.Segmentation;

/// <summary>
/// The interactive SAM page's predictors: one <see cref="SamPredictor"/> with its image embedding per (SAM model, image),
/// so a click answers from the kept embedding instead of encoding the image again (the encoder is nearly all of SAM's
/// cost). Bounded: at most <see cref="SamSessionOptions.MaxSessions"/> embeddings, the least recently prompted evicted
/// first, and each freed after <see cref="SamSessionOptions.IdleTimeout"/> without a prompt (sliding, on the given
/// clock); a model stays loaded only while an embedding of it is kept. Thread-safe: one prompt at a time per embedding
/// (the predictor is not thread-safe), prompts on different images in parallel.
/// </summary>
/// <remarks>
/// Models are loaded by the jobs' loader (<see cref="EngineClipEngine.LoadSam"/>, fp32) on the engine's device
/// (<see cref="EngineClipEngineSettings.Device"/>). Calls are synchronous on purpose: TorchSharp's dispose scopes are
/// thread-static, so a caller on a UI thread runs them with <c>Task.Run</c>.
/// </remarks>
public sealed class SamSessions : IDisposable
{
    /// <summary>The target name a clicked prompt's result carries.</summary>
    public const string ClickedTarget = "clicked";

    private readonly EngineClipEngineSettings _settings;
    private readonly TimeProvider _time;
    private readonly SamSessionOptions _options;
    private readonly ILogger<SamSessions>? _log;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Model, string Image), Session> _sessions = [];
    private readonly Dictionary<string, LoadedModel> _models = [];
    private readonly ITimer _sweeper;
    private torch.Device? _device;
    private long _encodes;
    private bool _disposed;

    public SamSessions(EngineClipEngineSettings settings, TimeProvider time, SamSessionOptions options, ILogger<SamSessions>? log = null)
    {
        if (options.MaxSessions < 1)
            throw new EngineInputException($"{SamSessionOptions.Section}:{nameof(SamSessionOptions.MaxSessions)}", $"{options.MaxSessions} is not a number of embeddings to keep (1 or more)");
        if (options.IdleTimeout <= TimeSpan.Zero)
            throw new EngineInputException($"{SamSessionOptions.Section}:{nameof(SamSessionOptions.IdleTimeout)}", $"{options.IdleTimeout} is not a positive time");
        _settings = settings;
        _time = time;
        _options = options;
        _log = log;
        // Frees idle embeddings even when nobody prompts any more; at most a minute late.
        var period = options.IdleTimeout < TimeSpan.FromMinutes(1) ? options.IdleTimeout : TimeSpan.FromMinutes(1);
        _sweeper = time.CreateTimer(_ => Sweep(), null, period, period);
    }

    /// <summary>Test seam: how a predictor is made for a loaded model (the real one by default).</summary>
    internal Func<SamModel, SamPredictor> NewPredictor { get; set; } = model => new SamPredictor(model);

    /// <summary>Embeddings kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _sessions.Count;
        }
    }

    /// <summary>SAM models loaded now (each for at least one kept embedding).</summary>
    public int LoadedModels
    {
        get
        {
            lock (_gate)
                return _models.Count;
        }
    }

    /// <summary>Images encoded since start: a prompt on a kept embedding does not add one.</summary>
    public long Encodes => Interlocked.Read(ref _encodes);

    /// <summary>Whether the embedding of <paramref name="imageKey"/> by <paramref name="modelPath"/> is kept (the next prompt will not encode).</summary>
    public bool IsCached(string modelPath, string imageKey)
    {
        var key = (ModelKey(modelPath), imageKey);
        lock (_gate)
            return _sessions.TryGetValue(key, out var s) && s.IsEncoded;
    }

    /// <summary>
    /// SAM's best mask (of three) for <paramref name="prompt"/> (points in the image's pixels, label 1 on the object, 0
    /// background) on the image <paramref name="imageKey"/> names, encoding it with <paramref name="loadImage"/> (upright
    /// RGB, disposed here) only when its embedding is not kept. Refused with <see cref="EngineInputException"/>: no
    /// point, or a point outside the image.
    /// </summary>
    public SamAnswer Predict(string modelPath, string imageKey, Func<Image<Rgb24>> loadImage, SamPrompt prompt, CancellationToken ct = default)
    {
        var started = _time.GetTimestamp();
        var modelKey = ModelKey(modelPath);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var session = Acquire(modelKey, imageKey);
            lock (session.Gate)
            {
                if (session.Released)
                    continue; // evicted between the look-up and the lock: take a fresh one
                var encoded = false;
                if (session.Predictor is null)
                {
                    var predictor = NewPredictor(session.Model.Get(this));
                    try
                    {
                        using var image = loadImage();
                        ct.ThrowIfCancellationRequested();
                        predictor.SetImage(image);
                    }
                    catch
                    {
                        predictor.Dispose();
                        throw;
                    }
                    session.Predictor = predictor;
                    encoded = true;
                    Interlocked.Increment(ref _encodes);
                }
                var mask = TextSegmenter.Predict(session.Predictor, ClickedTarget, prompt);
                session.Touch(_time.GetUtcNow());
                return new SamAnswer(mask, encoded, _time.GetElapsedTime(started));
            }
        }
    }

    /// <summary>The session for the key, made (empty) when missing; evicts what is over the count or idle.</summary>
    private Session Acquire(string modelKey, string imageKey)
    {
        List<Session> released;
        Session session;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetUtcNow();
            released = RemoveIdle(now);
            if (!_sessions.TryGetValue((modelKey, imageKey), out session!))
            {
                if (!_models.TryGetValue(modelKey, out var model))
                    _models[modelKey] = model = new LoadedModel(modelKey);
                model.Sessions++;
                session = new Session(model, now);
                _sessions[(modelKey, imageKey)] = session;
                while (_sessions.Count > _options.MaxSessions)
                {
                    var oldest = _sessions.Where(s => s.Value != session).MinBy(s => s.Value.LastUsedTicks).Key;
                    released.Add(Remove(oldest));
                }
            }
            session.Touch(now);
        }
        Release(released);
        return session;
    }

    /// <summary>Frees every embedding idle for <see cref="SamSessionOptions.IdleTimeout"/> or longer (the timer's work).</summary>
    public void Sweep()
    {
        List<Session> released;
        lock (_gate)
        {
            if (_disposed)
                return;
            released = RemoveIdle(_time.GetUtcNow());
        }
        Release(released);
    }

    private List<Session> RemoveIdle(DateTimeOffset now)
    {
        var idle = _sessions.Where(s => now.UtcTicks - s.Value.LastUsedTicks >= _options.IdleTimeout.Ticks).Select(s => s.Key).ToList();
        return idle.Select(Remove).ToList();
    }

    /// <summary>Takes a session out of the table (under the gate); its tensors are freed by <see cref="Release"/>, outside it.</summary>
    private Session Remove((string Model, string Image) key)
    {
        var session = _sessions[key];
        _sessions.Remove(key);
        if (--session.Model.Sessions == 0)
        {
            _models.Remove(key.Model);
            session.LastOfModel = true;
        }
        return session;
    }

    /// <summary>Waits for a prompt in progress on each session, then disposes its embedding (and its model when no other session uses it).</summary>
    private void Release(List<Session> sessions)
    {
        foreach (var session in sessions)
        {
            lock (session.Gate)
            {
                session.Released = true;
                session.Predictor?.Dispose();
                session.Predictor = null;
                if (session.LastOfModel)
                    session.Model.Dispose();
            }
            _log?.LogInformation("Freed a SAM image embedding ({Kept} kept)", Count);
        }
    }

    private torch.Device Device
    {
        get
        {
            lock (_gate)
                return _device ??= ComputeDevice.Resolve(_settings.Device);
        }
    }

    /// <summary>A model file by full path and modification time: a replaced file is loaded again.</summary>
    private static string ModelKey(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        return $"{full}|{File.GetLastWriteTimeUtc(full).Ticks}";
    }

    public void Dispose()
    {
        List<Session> all;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            all = _sessions.Keys.ToList().Select(Remove).ToList();
        }
        _sweeper.Dispose();
        Release(all);
    }

    /// <summary>One kept embedding: its predictor (null until the first prompt encodes the image) and when it was last prompted.</summary>
    private sealed class Session(LoadedModel model, DateTimeOffset created)
    {
        private long _lastUsed = created.UtcTicks;

        public Lock Gate { get; } = new();

        public LoadedModel Model { get; } = model;

        public SamPredictor? Predictor { get; set; }

        public bool IsEncoded => Predictor is not null;

        public bool Released { get; set; }

        public bool LastOfModel { get; set; }

        public long LastUsedTicks => Interlocked.Read(ref _lastUsed);

        public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastUsed, now.UtcTicks);
    }

    /// <summary>A SAM model shared by the sessions of its file, loaded by the first prompt that needs it.</summary>
    private sealed class LoadedModel(string key) : IDisposable
    {
        private readonly Lock _load = new();
        private SamModel? _model;

        public int Sessions { get; set; }

        public SamModel Get(SamSessions owner)
        {
            lock (_load)
                return _model ??= EngineClipEngine.LoadSam(key[..key.LastIndexOf('|')], owner.Device);
        }

        public void Dispose()
        {
            lock (_load)
            {
                _model?.Dispose();
                _model = null;
            }
        }
    }
}
