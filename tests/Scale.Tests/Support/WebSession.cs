using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClipSurgeryWeb.Scale.Tests.Support;

/// <summary>
/// A member at the web app over real HTTP, as a browser or a script: login cookie, the anti-forgery token on every
/// POST, the JSON API, and the live hub as a SignalR client (what the pages' live feed receives).
/// </summary>
public sealed partial class WebSession : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;
    private HubConnection? _hub;

    public WebSession(Uri address)
    {
        Address = address;
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = _cookies, AllowAutoRedirect = false })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public Uri Address { get; }

    /// <summary>Every event the hub sent this member, in arrival order.</summary>
    public ConcurrentQueue<JsonElement> Events { get; } = new();

    public async Task LoginAsync(string email, string password)
    {
        var page = await _http.GetStringAsync("/account/login");
        var token = TokenField().Match(page).Groups[1].Value;
        var response = await _http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/",
            $"login answered {(int)response.StatusCode} {response.Headers.Location}");
    }

    /// <summary>Uploads files in one POST /api/images; returns the saved ids in order.</summary>
    public async Task<IReadOnlyList<Guid>> UploadAsync(IReadOnlyList<(string Name, byte[] Content)> files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "files", name);
        }
        using var response = await PostAsync("/api/images", form);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal(0, body.GetProperty("refused").GetArrayLength());
        return body.GetProperty("saved").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
    }

    public async Task<Guid> StartExplainAsync(object request)
    {
        using var response = await PostAsync("/api/runs/explain", JsonContent.Create(request, options: Json));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> GetRunAsync(Guid runId) =>
        await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}", Json);

    /// <summary>Polls the run (as the page does on load) until it is finished; the timeout only turns a hang into a failure.</summary>
    public async Task<JsonElement> WaitForFinishAsync(Guid runId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var run = await GetRunAsync(runId);
            if (run.GetProperty("status").GetString() is "Succeeded" or "CompletedWithErrors" or "Failed" or "Cancelled")
                return run;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"run {runId} did not finish: {run}");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Connects to the live hub as this member and returns once the hub has put the connection in its groups (the answer
    /// to any invocation, here one of a method that does not exist, comes after the hub's OnConnectedAsync).
    /// </summary>
    public async Task ConnectHubAsync()
    {
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(Address, "/hubs/live"), o =>
            {
                o.Cookies = _cookies;
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        _hub.On<JsonElement>("event", e => Events.Enqueue(e));
        await _hub.StartAsync();
        var answer = await Assert.ThrowsAsync<HubException>(() => _hub.InvokeAsync("NoSuchMethod-ConnectedBarrier"));
        Assert.Contains("Method does not exist", answer.Message);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, HttpContent content)
    {
        var token = (await _http.GetFromJsonAsync<JsonElement>("/account/antiforgery", Json)).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("RequestVerificationToken", token);
        return await _http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
            await _hub.DisposeAsync();
        _http.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
