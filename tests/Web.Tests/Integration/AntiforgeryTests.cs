using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClipSurgeryWeb.Web.Endpoints;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>A logged-in browser's cookie alone changes nothing: every state-changing endpoint also needs the anti-forgery token.</summary>
public sealed class AntiforgeryTests : IDisposable
{
    private static readonly string[] StateChanging = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Fact]
    public async Task Every_state_changing_endpoint_in_the_route_table_refuses_a_logged_in_request_without_the_token()
    {
        using var admin = await AppClient.LoginAsync(_factory);
        admin.SendsAntiforgeryToken = false;
        var checkedRoutes = new List<string>();

        foreach (var (endpoint, method) in StateChangingEndpoints())
        {
            var path = SamplePath(endpoint.RoutePattern);
            // The body each endpoint takes (routing would turn any other away before the endpoint with a 415).
            var takesForms = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Any(t => t.Contains("form")) == true;
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = takesForms ? new MultipartFormDataContent { { new StringContent("x"), "field" } } : new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            var response = await admin.Http.SendAsync(request);

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode} {body}");
            var problem = JsonSerializer.Deserialize<Problem>(body, AppClient.Json)!;
            Assert.Equal(new Problem(RequestRefusals.AntiforgerySubject, RequestRefusals.AntiforgeryReason), problem);
            checkedRoutes.Add($"{method} {endpoint.RoutePattern.RawText}");
        }

        // The enumeration found the endpoints the issue named (and so would find a new one).
        Assert.Superset(new HashSet<string>
        {
            "POST /api/runs/explain", "POST /api/runs/opinions", "POST /api/runs/batch", "POST /api/runs/{id:guid}/cancel",
            "POST /api/runs/{id:guid}/retry", "POST /api/models/download", "POST /api/images", "POST /account/logout",
            "POST /account/login", "POST /account/set-password", "POST /jobs/{**path}",
        }, checkedRoutes.ToHashSet());
    }

    [Fact]
    public async Task The_token_from_account_antiforgery_in_the_header_lets_the_request_through()
    {
        using var admin = await AppClient.LoginAsync(_factory);
        var token = await admin.Http.GetFromJsonAsync<JsonElement>("/account/antiforgery", AppClient.Json);
        var run = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{run}/cancel");
        request.Headers.Add(token.GetProperty("header").GetString()!, token.GetProperty("token").GetString());

        var response = await admin.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(new Problem($"run {run}", "not found"), await response.Content.ReadFromJsonAsync<Problem>(AppClient.Json));
    }

    /// <summary>
    /// Every endpoint that accepts a state-changing method, except the SignalR hubs: /hubs/live is for remote workers,
    /// which authenticate with the worker key (no cookie, so nothing to forge), and /_blazor is the framework's circuit
    /// (its negotiate and disconnect carry the circuit's own secret id).
    /// </summary>
    private IEnumerable<(RouteEndpoint Endpoint, string Method)> StateChangingEndpoints()
    {
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<HubMetadata>() is not null || endpoint.RoutePattern.RawText?.StartsWith("/_blazor", StringComparison.Ordinal) == true)
                continue;
            // An endpoint for any method (the Hangfire dashboard) is tried with POST, what a cross-site form sends; other
            // methods need a CORS preflight, which this app never grants.
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } declared ? declared : [HttpMethods.Post];
            foreach (var method in methods.Intersect(StateChanging, StringComparer.OrdinalIgnoreCase))
                yield return (endpoint, method);
        }
    }

    /// <summary>A path the pattern matches: a new GUID for a guid parameter, "x" for any other.</summary>
    private static string SamplePath(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
            _ => "x",
        })));
        return "/" + string.Join('/', segments);
    }
}
