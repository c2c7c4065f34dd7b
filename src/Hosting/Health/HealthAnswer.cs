using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClipSurgeryWeb.Hosting.Health;

/// <summary>
/// The JSON body of /healthz and /readyz: the overall status and each check's, with the reason when it is not healthy,
/// e.g. <c>{"status":"Unhealthy","checks":[{"name":"models","status":"Unhealthy","reason":"the models folder (ClipSurgery:ModelsDir) does not exist"}]}</c>.
/// Reasons have server paths hidden (<see cref="Storage.ServerPaths"/>): anyone may read the answer.
/// </summary>
public static class HealthAnswer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                reason = e.Value.Status == HealthStatus.Healthy ? null : Storage.ServerPaths.Hide(e.Value.Description ?? e.Value.Exception?.Message ?? "no reason given"),
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
