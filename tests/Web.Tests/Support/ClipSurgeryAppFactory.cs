using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Engine;
using ClipSurgeryWeb.Tests.Fakes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ClipSurgeryWeb.Web.Tests.Support;

/// <summary>
/// The whole web app (Identity, Hangfire server with its real SQLite storage, hub, pages) on a temporary data folder.
/// The engine is a <see cref="FakeClipEngine"/> unless another <see cref="IClipEngine"/> is given: pass the real engine
/// and a models folder holding the tiny fixture model to run the same tests on real numbers.
/// Two factories on the same <see cref="Root"/> are the same installation before and after a restart.
/// </summary>
public sealed class ClipSurgeryAppFactory(string root, IClipEngine engine, string modelsDir, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "Admin-pass-1";
    public const string WorkerKey = "test-worker-key";
    public const string MemberPassword = "Member-pass-1";

    public string Root { get; } = root;

    public string ModelsDir { get; } = modelsDir;

    public IClipEngine Engine { get; } = engine;

    /// <summary>More services for a test (a log capture, …), registered after the app's own.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>A fresh installation: temporary folder, fake engine, one fake CLIP checkpoint.</summary>
    public static ClipSurgeryAppFactory Fresh(FakeClipEngine? engine = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var root = Directory.CreateTempSubdirectory("csw-web-").FullName;
        return new ClipSurgeryAppFactory(root, engine ?? new FakeClipEngine(), CreateFakeModels(root), settings);
    }

    public static string CreateFakeModels(string root)
    {
        var models = Directory.CreateDirectory(Path.Combine(root, "models")).FullName;
        File.WriteAllBytes(Path.Combine(models, "clip_fake_jit.pt"), [(byte)'P', (byte)'K', 3, 4, 0, 0]);
        return models;
    }

    public const string ModelName = "clip_fake_jit";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ClipSurgery:DataDir", Path.Combine(Root, "data"));
        builder.UseSetting("ClipSurgery:ModelsDir", ModelsDir);
        builder.UseSetting("ClipSurgery:AdminEmail", AdminEmail);
        builder.UseSetting("ClipSurgery:AdminPassword", AdminPassword);
        builder.UseSetting("ClipSurgery:MaxUploadBytes", "2000000");
        builder.UseSetting("ClipSurgery:Jobs:QueuePollInterval", "00:00:00.200");
        builder.UseSetting("ClipSurgery:Jobs:WorkerKey", WorkerKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IClipEngine>();
            services.AddSingleton(Engine);
            TestServices?.Invoke(services);
        });
    }

    /// <summary>Adds a team member (not an admin) who can log in with <see cref="MemberPassword"/>.</summary>
    public async Task CreateMemberAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<TeamMember>>();
        var result = await users.CreateAsync(new TeamMember { UserName = email, Email = email }, MemberPassword);
        Assert.True(result.Succeeded);
    }

    public void DeleteFiles()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
