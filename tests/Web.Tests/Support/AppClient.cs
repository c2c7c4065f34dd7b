using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClipSurgeryWeb.Hosting.Live;
using ClipSurgeryWeb.Web.Services;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ClipSurgeryWeb.Web.Tests.Support;

/// <summary>A member's HTTP session against a <see cref="ClipSurgeryAppFactory"/>: cookies, login, the JSON API and the hub.</summary>
public sealed partial class AppClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Uri Base = new("http://localhost");

    private readonly ClipSurgeryAppFactory _factory;

    public AppClient(ClipSurgeryAppFactory factory) : this(factory, Base)
    {
    }

    private AppClient(ClipSurgeryAppFactory factory, Uri baseAddress)
    {
        _factory = factory;
        Http = factory.CreateDefaultClient(baseAddress, new AntiforgeryHandler(this), new CookieContainerHandler(Cookies));
    }

    /// <summary>
    /// A client of the app on a real Kestrel (<c>UseKestrel</c>, started) at <paramref name="address"/>, over sockets,
    /// following no redirect, as the test server's client does.
    /// </summary>
    public static AppClient OverSockets(ClipSurgeryAppFactory factory, Uri address) => new(factory, address, socket: true);

    private AppClient(ClipSurgeryAppFactory factory, Uri address, bool socket)
    {
        _factory = factory;
        Http = new HttpClient(new AntiforgeryHandler(this)
        {
            InnerHandler = new CookieContainerHandler(Cookies) { InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false } },
        }) { BaseAddress = address };
    }

    /// <summary>
    /// Whether POST, PUT, PATCH and DELETE requests carry the anti-forgery token (as a page's script would) unless they
    /// set one themselves. On by default; tests of the token's absence turn it off.
    /// </summary>
    public bool SendsAntiforgeryToken { get; set; } = true;

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    public static async Task<AppClient> LoginAsync(ClipSurgeryAppFactory factory, string email = ClipSurgeryAppFactory.AdminEmail,
        string password = ClipSurgeryAppFactory.AdminPassword)
    {
        var client = new AppClient(factory);
        var response = await client.PostLoginAsync(email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return client;
    }

    public async Task<HttpResponseMessage> PostLoginAsync(string email, string password, string returnUrl = "/")
    {
        var page = await Http.GetStringAsync("/account/login");
        var token = TokenField().Match(page).Groups[1].Value;
        return await Http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = token,
        }));
    }

    public async Task<HttpResponseMessage> UploadAsync(string fileName, byte[] content, string contentType = "image/png")
    {
        var antiforgery = await Http.GetFromJsonAsync<JsonElement>("/account/antiforgery");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "files", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/images") { Content = form };
        request.Headers.Add("RequestVerificationToken", antiforgery.GetProperty("token").GetString());
        return await Http.SendAsync(request);
    }

    /// <summary>One POST /api/images with several files, in this order.</summary>
    public async Task<HttpResponseMessage> UploadManyAsync(params (string FileName, byte[] Content)[] files)
    {
        var antiforgery = await Http.GetFromJsonAsync<JsonElement>("/account/antiforgery");
        using var form = new MultipartFormDataContent();
        foreach (var (fileName, content) in files)
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "files", fileName);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/images") { Content = form };
        request.Headers.Add("RequestVerificationToken", antiforgery.GetProperty("token").GetString());
        return await Http.SendAsync(request);
    }

    public async Task<Guid> UploadImageAsync(string fileName = "cat.png")
    {
        var response = await UploadAsync(fileName, TestImages.Png(fileName));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
        return body.GetProperty("saved")[0].GetProperty("id").GetGuid();
    }

    public async Task<Guid> StartAsync(string kind, object body)
    {
        var response = await Http.PostAsJsonAsync($"/api/runs/{kind}", body, Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();
    }

    public async Task<RunView?> GetRunAsync(Guid id)
    {
        var response = await Http.GetAsync($"/api/runs/{id}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<RunView>(Json);
    }

    /// <summary>Polls the run until <paramref name="until"/> holds; the timeout only turns a hang into a failure.</summary>
    public async Task<RunView> WaitForRunAsync(Guid id, Func<RunView, bool> until, int timeoutMs = 120_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var run = await GetRunAsync(id) ?? throw new InvalidOperationException($"run {id} not found");
            if (until(run))
                return run;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"run {id} is {run.Status}: {string.Join(", ", run.Images.Select(i => $"{i.Status} {i.Error}"))}");
            await Task.Delay(100);
        }
    }

    public Task<RunView> WaitForFinishAsync(Guid id, int timeoutMs = 120_000) => WaitForRunAsync(id, r => r.IsFinished, timeoutMs);

    /// <summary>A SignalR connection to the live hub as this member (WebSockets through the test server).</summary>
    public HubConnection Hub() => new HubConnectionBuilder()
        .WithUrl(new Uri(Base, "/hubs/live"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (context, ct) =>
            {
                var client = _factory.Server.CreateWebSocketClient();
                client.ConfigureRequest = request => request.Headers.Cookie = Cookies.GetCookieHeader(Base);
                return await client.ConnectAsync(context.Uri, ct);
            };
        })
        .Build();

    /// <summary>
    /// Starts a hub connection and returns once the hub has put it in its groups. The client's start ends at the
    /// handshake, before the hub's OnConnectedAsync has joined the groups, so an event published in between would be
    /// missed; but the hub reads a connection's messages only after OnConnectedAsync, so the answer to any invocation
    /// (here to a method that does not exist) means the groups are joined.
    /// </summary>
    public static async Task<HubInbox> CollectAsync(HubConnection hub)
    {
        var received = new HubInbox();
        hub.On<JobEvent>("event", received.Add);
        await hub.StartAsync();
        var answer = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("NoSuchMethod-ConnectedBarrier"));
        Assert.Contains("Method does not exist", answer.Message);
        return received;
    }

    public void Dispose() => Http.Dispose();

    /// <summary>
    /// Adds the RequestVerificationToken header from GET /account/antiforgery to a logged-in member's state-changing
    /// requests, fetched for each (the token belongs to whoever is logged in at the time).
    /// </summary>
    private sealed class AntiforgeryHandler(AppClient client) : DelegatingHandler
    {
        public const string Header = "RequestVerificationToken";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (client.SendsAntiforgeryToken && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head
                && !request.Headers.Contains(Header))
            {
                using var tokenRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(request.RequestUri!, "/account/antiforgery"));
                using var tokenResponse = await base.SendAsync(tokenRequest, ct);
                // Anonymous callers (the login form) are sent to the login page instead; their forms carry the field.
                if (tokenResponse.IsSuccessStatusCode)
                {
                    var token = await tokenResponse.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
                    request.Headers.Add(Header, token.GetProperty("token").GetString());
                }
            }
            return await base.SendAsync(request, ct);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
