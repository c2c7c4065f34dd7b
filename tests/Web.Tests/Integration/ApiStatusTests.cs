using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>The API answers 401, 404 and 405 in its one shape, {subject, reason}, as it does 400, 413, 415 and 500.</summary>
public sealed class ApiStatusTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    private static async Task<(string Subject, string Reason)> ProblemOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(AppClient.Json);
        Assert.Equal(["subject", "reason"], body.EnumerateObject().Select(p => p.Name));
        return (body.GetProperty("subject").GetString()!, body.GetProperty("reason").GetString()!);
    }

    [Fact]
    public async Task A_request_without_a_login_is_answered_401_saying_a_login_is_needed()
    {
        using var anonymous = new AppClient(_factory);

        var response = await anonymous.Http.GetAsync("/api/runs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var (subject, reason) = await ProblemOf(response);
        Assert.Equal("login", subject);
        Assert.Contains("logged-in member", reason);
    }

    [Fact]
    public async Task A_run_that_does_not_exist_is_answered_404_naming_what_was_asked_for()
    {
        using var admin = await AppClient.LoginAsync(_factory);
        var id = Guid.NewGuid();

        var response = await admin.Http.GetAsync($"/api/runs/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(($"/api/runs/{id}", "not found, or not visible to you"), await ProblemOf(response));
    }

    [Fact]
    public async Task A_method_the_path_does_not_take_is_answered_405_naming_the_method()
    {
        using var admin = await AppClient.LoginAsync(_factory);

        var response = await admin.Http.PutAsJsonAsync("/api/runs", new { });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        var (subject, reason) = await ProblemOf(response);
        Assert.Equal("PUT", subject);
        Assert.StartsWith("is not taken by /api/runs", reason);
    }

    [Fact]
    public async Task A_page_that_does_not_exist_is_not_answered_in_the_apis_shape()
    {
        using var admin = await AppClient.LoginAsync(_factory);

        var response = await admin.Http.GetAsync("/no-such-page");

        Assert.NotEqual("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
