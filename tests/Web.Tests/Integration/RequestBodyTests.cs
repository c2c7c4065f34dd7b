using System.Net;
using System.Text;
using System.Text.Json;
using ClipSurgeryWeb.Web.Endpoints;
using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.Tests.Integration;

/// <summary>A body that is missing, malformed, of the wrong type or has nulls is refused with 400 {subject, reason}, never a 500.</summary>
public sealed class RequestBodyTests : IClassFixture<RequestBodyTests.App>
{
    private readonly App _app;

    public RequestBodyTests(App app) => _app = app;

    public sealed class App : IAsyncLifetime
    {
        // Production, as the README runs it: there, unlike Development, minimal APIs would answer a bad body with an empty 400.
        public ClipSurgeryAppFactory Factory { get; } = ClipSurgeryAppFactory.Fresh(settings: new Dictionary<string, string?> { ["environment"] = "Production" });

        public AppClient Admin { get; private set; } = default!;

        public async Task InitializeAsync() => Admin = await AppClient.LoginAsync(Factory);

        public Task DisposeAsync()
        {
            Admin.Dispose();
            Factory.Dispose();
            Factory.DeleteFiles();
            return Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData("/api/runs/explain", """{"model":"m","labels":["cat"]}""", "imageIds", "is missing: send a list of uploaded image ids")]
    [InlineData("/api/runs/explain", """{"imageIds":null,"model":"m","labels":["cat"]}""", "imageIds", "is missing: send a list of uploaded image ids")]
    [InlineData("/api/runs/explain", """{"imageIds":[],"model":"m","labels":null}""", "labels", "is missing: send a list of labels")]
    [InlineData("/api/runs/explain", """{"imageIds":[],"model":"m","labels":["cat",null]}""", "labels", "has a null entry: send text only")]
    [InlineData("/api/runs/explain", """{"imageIds":[],"model":"m","labels":["cat"],"targets":[null]}""", "targets", "has a null entry: send text only")]
    [InlineData("/api/runs/explain", """{"imageIds":[],"labels":["cat"]}""", "model", "is missing: send the name of an installed CLIP model")]
    [InlineData("/api/runs/explain", """{"imageIds":"abc","model":"m","labels":["cat"]}""", "imageIds", "must be a list")]
    [InlineData("/api/runs/explain", """{"imageIds":["not-a-guid"],"model":"m","labels":["cat"]}""", "imageIds[0]", "must be an id (a GUID)")]
    [InlineData("/api/runs/explain", """{"imageIds":[],"model":"m","labels":["cat"],"resolution":"big"}""", "resolution", "must be a whole number or null")]
    [InlineData("/api/runs/explain", """{"imageIds":[""", "request body", "is not valid JSON (line 1, byte 14)")]
    [InlineData("/api/runs/explain", "", "request body", "is missing: send a JSON object")]
    [InlineData("/api/runs/explain", "null", "request body", "is missing: send a JSON object")]
    [InlineData("/api/runs/explain", "[1,2]", "request body", "must be a JSON object")]
    [InlineData("/api/runs/opinions", """{"model":"m"}""", "imageIds", "is missing: send a list of uploaded image ids")]
    [InlineData("/api/runs/opinions", """{"imageIds":[],"model":"m","iterations":null}""", "iterations", "must be a whole number")]
    [InlineData("/api/runs/batch", """{"imageIds":[],"model":null}""", "model", "is missing: send the name of an installed CLIP model")]
    [InlineData("/api/runs/batch", """{"imageIds":[],"model":"m","shared":"yes"}""", "shared", "must be true or false")]
    [InlineData("/api/models/download", "{}", "name", "is missing: send the name of an official model")]
    [InlineData("/api/models/download", "{\"name\":", "request body", "is not valid JSON (line 1, byte 9)")]
    public async Task A_bad_json_body_is_refused_naming_the_field_and_the_reason(string path, string body, string subject, string reason)
    {
        var response = await _app.Admin.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertRefusal(response, HttpStatusCode.BadRequest, subject, reason);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_naming_the_content_types_the_api_takes()
    {
        var response = await _app.Admin.Http.PostAsync("/api/runs/explain", new StringContent("cat", Encoding.UTF8, "text/plain"));

        await AssertRefusal(response, HttpStatusCode.UnsupportedMediaType, "request body", RequestRefusals.WrongContentTypeReason);
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_is_refused_naming_the_parameter()
    {
        var response = await _app.Admin.Http.GetAsync("/api/runs?mine=perhaps");

        await AssertRefusal(response, HttpStatusCode.BadRequest, "mine", "'perhaps' is not a valid value");
    }

    [Fact]
    public async Task A_login_form_without_its_password_field_is_refused_naming_the_field()
    {
        using var anonymous = new AppClient(_app.Factory);
        var page = await anonymous.Http.GetStringAsync("/account/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;

        var response = await anonymous.Http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = ClipSurgeryAppFactory.AdminEmail, ["__RequestVerificationToken"] = token,
        }));

        await AssertRefusal(response, HttpStatusCode.BadRequest, "password", "is missing from the form");
    }

    /// <summary>Exactly the API's one refusal shape: {"subject": …, "reason": …} and nothing else.</summary>
    private static async Task AssertRefusal(HttpResponseMessage response, HttpStatusCode status, string subject, string reason)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        var json = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal(["subject", "reason"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(subject, json.GetProperty("subject").GetString());
        Assert.Equal(reason, json.GetProperty("reason").GetString());
    }
}
