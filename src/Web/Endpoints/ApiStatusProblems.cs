using Microsoft.AspNetCore.Diagnostics;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// The API's one shape for the answers that otherwise come with no body: 401 (no login, or a session ended by logout),
/// 403 (admins only), 404 (no such thing, or not one this member may see — the two are not told apart) and 405 (a method
/// the path does not take). Only under <c>/api</c>; pages have their own answers.
/// </summary>
public static class ApiStatusProblems
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments("/api") || Describe(http) is not { } problem)
            return;
        await Results.Json(problem, statusCode: http.Response.StatusCode).ExecuteAsync(http);
    }

    public static Problem? Describe(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        return http.Response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => new Problem("login", "this needs a logged-in member: log in at /account/login (a session ends at logout)"),
            StatusCodes.Status403Forbidden => new Problem(path, "only an admin may do this"),
            StatusCodes.Status404NotFound => new Problem(path, "not found, or not visible to you"),
            StatusCodes.Status405MethodNotAllowed => new Problem(http.Request.Method,
                http.Response.Headers.Allow is { Count: > 0 } allow ? $"is not taken by {path} (it takes {string.Join(", ", allow.ToArray())})" : $"is not taken by {path}"),
            _ => null,
        };
    }
}
