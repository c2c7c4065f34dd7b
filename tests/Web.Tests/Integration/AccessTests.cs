using System.Net;
using ClipSurgeryWeb.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClipSurgeryWeb.Web.Tests.Integration;

public sealed class AccessTests : IDisposable
{
    private readonly ClipSurgeryAppFactory _factory = ClipSurgeryAppFactory.Fresh();

    public void Dispose()
    {
        _factory.Dispose();
        _factory.DeleteFiles();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/records")]
    [InlineData("/history")]
    [InlineData("/jobs")]
    public async Task Pages_send_anonymous_visitors_to_the_login_page(string path)
    {
        using var client = new AppClient(_factory);

        var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/account/login", response.Headers.Location!.ToString());
    }

    [Theory]
    [InlineData("/api/models")]
    [InlineData("/api/records")]
    [InlineData("/api/images/00000000-0000-0000-0000-000000000001")]
    public async Task The_api_answers_401_to_anonymous_callers(string path)
    {
        using var client = new AppClient(_factory);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.Http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_on_the_login_page()
    {
        using var client = new AppClient(_factory);

        var response = await client.PostLoginAsync(ClipSurgeryAppFactory.AdminEmail, "wrong-password");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await client.Http.GetStringAsync(response.Headers.Location);
        Assert.Contains("Login: the email or password is wrong.", page);
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task The_configured_admin_logs_in_and_sees_the_installed_model()
    {
        using var admin = await AppClient.LoginAsync(_factory);

        var models = await admin.Http.GetStringAsync("/api/models");

        Assert.Contains(ClipSurgeryAppFactory.ModelName, models);
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Only_admins_may_open_the_hangfire_dashboard()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        using var admin = await AppClient.LoginAsync(_factory);

        var denied = await member.Http.GetAsync("/jobs");
        var allowed = await admin.Http.GetAsync("/jobs");

        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/account/denied", denied.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("ClipSurgery jobs", await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_member_does_not_see_another_members_private_results()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        var image = await admin.UploadImageAsync();
        var runId = await admin.StartAsync("explain", new
        {
            imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, labels = new[] { "cat" }, shared = false,
        });
        var run = await admin.WaitForFinishAsync(runId);
        var file = run.Images[0].Files.First(f => f.IsImage);

        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync(file.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.GetAsync(file.Url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.GetAsync($"/api/runs/{runId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.GetAsync($"/api/images/{image}")).StatusCode);
    }

    [Fact]
    public async Task A_member_neither_lists_nor_fetches_the_image_of_another_members_private_record()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        var image = await admin.UploadImageAsync();
        var runId = await admin.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20, shared = false });
        await admin.WaitForFinishAsync(runId);

        Assert.Contains("incomprehensibilities", await admin.Http.GetStringAsync("/api/records"));
        Assert.Equal("[]", await member.Http.GetStringAsync("/api/records"));
        Assert.Equal(HttpStatusCode.NotFound, (await member.Http.GetAsync($"/api/images/{image}")).StatusCode);
    }

    [Fact]
    public async Task A_member_lists_the_records_of_a_shared_run_and_fetches_their_image()
    {
        await _factory.CreateMemberAsync("member@example.com");
        using var admin = await AppClient.LoginAsync(_factory);
        using var member = await AppClient.LoginAsync(_factory, "member@example.com", ClipSurgeryAppFactory.MemberPassword);
        var image = await admin.UploadImageAsync();
        var runId = await admin.StartAsync("opinions", new { imageIds = new[] { image }, model = ClipSurgeryAppFactory.ModelName, iterations = 20, shared = true });
        await admin.WaitForFinishAsync(runId);

        Assert.Contains("incomprehensibilities", await member.Http.GetStringAsync("/api/records"));
        Assert.Equal(HttpStatusCode.OK, (await member.Http.GetAsync($"/api/images/{image}")).StatusCode);
    }

    [Fact]
    public async Task An_invited_member_sets_a_password_from_the_link_and_logs_in()
    {
        string link;
        await using (var scope = _factory.Services.CreateAsyncScope())
            link = (await scope.ServiceProvider.GetRequiredService<ClipSurgeryWeb.Web.Services.MemberAdmin>()
                .AddAsync("invited@example.com", null, admin: false, "http://localhost/"))!;
        using var invited = new AppClient(_factory);
        var page = await invited.Http.GetStringAsync(link);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(link).Query);

        var set = await invited.Http.PostAsync("/account/set-password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = query["email"]!, ["token"] = query["token"]!, ["password"] = "Invited-pass-1", ["__RequestVerificationToken"] = token,
        }));

        Assert.Equal("/account/login?passwordSet=true&email=invited%40example.com", set.Headers.Location?.OriginalString);
        var login = await invited.Http.GetStringAsync(set.Headers.Location!.OriginalString);
        Assert.Contains("Your password is set. Log in with your email and the new password.", login);
        Assert.Contains("value=\"invited@example.com\"", login);
        using var member = await AppClient.LoginAsync(_factory, "invited@example.com", "Invited-pass-1");
        Assert.Equal(HttpStatusCode.OK, (await member.Http.GetAsync("/api/models")).StatusCode);
    }
}
