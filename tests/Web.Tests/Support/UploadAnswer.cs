using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ClipSurgeryWeb.Web.Tests.Support;

/// <summary>The upload endpoint's answer read back: its status, the saved images, and each refusal's subject and reason.</summary>
public static class UploadAnswer
{
    public static async Task<(HttpStatusCode Status, List<JsonElement> Saved, List<(string Subject, string Reason)> Refused)> Read(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(AppClient.Json);
        var saved = body.GetProperty("saved").EnumerateArray().ToList();
        var refused = body.GetProperty("refused").EnumerateArray()
            .Select(p => (p.GetProperty("subject").GetString()!, p.GetProperty("reason").GetString()!)).ToList();
        return (response.StatusCode, saved, refused);
    }
}
