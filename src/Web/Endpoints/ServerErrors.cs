using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// What a request that failed unexpectedly gets, in every environment: a correlation id and nothing else of the failure
/// (no stack trace, no headers, no paths). The details are logged here with that id. API and hub callers get
/// ProblemDetails (with <c>subject</c> and <c>reason</c>, like every other refusal); a page request gets a short page.
/// </summary>
public static class ServerErrors
{
    public const string Reason = "something went wrong on the server; nothing was shown of it here";

    public static async Task WriteAsync(HttpContext http)
    {
        var error = http.Features.Get<IExceptionHandlerFeature>();
        var correlationId = http.TraceIdentifier;
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServerErrors))
            .LogError(error?.Error, "Request failed, correlation id {CorrelationId}: {Method} {Path} (user {UserId})", correlationId,
                http.Request.Method, error?.Path ?? http.Request.Path.Value, http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value ?? "anonymous");

        http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        http.Response.Headers.CacheControl = "no-store";
        if (WantsPage(http.Request, error?.Path))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(Page(correlationId));
            return;
        }
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = "Server error",
            Detail = $"{Reason}. Quote correlation id {correlationId} to an admin; the server's log has the details under it.",
        };
        problem.Extensions["subject"] = "server";
        problem.Extensions["reason"] = Reason;
        problem.Extensions["correlationId"] = correlationId;
        await Results.Problem(problem).ExecuteAsync(http);
    }

    private static bool WantsPage(HttpRequest request, string? originalPath)
    {
        var path = new PathString(originalPath ?? request.Path.Value);
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor"))
            return false;
        return request.Headers.Accept.Count == 0 || request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal)
            || request.Headers.Accept.ToString().Contains("*/*", StringComparison.Ordinal);
    }

    private static string Page(string correlationId) => $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8" /><title>Error · ClipSurgery</title><link href="/app.css" rel="stylesheet" /></head>
        <body><main class="account"><h1 class="account-title">ClipSurgery</h1>
        <p data-testid="error-message">Sorry, something went wrong on the server.</p>
        <p>If it happens again, give an admin this correlation id: <code data-testid="correlation-id">{WebUtility.HtmlEncode(correlationId)}</code></p>
        <p><a href="/">Back to Explain</a></p></main></body></html>
        """;
}
