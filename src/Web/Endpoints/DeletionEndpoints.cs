using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Auth;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// DELETE /api/runs/{id} and DELETE /api/uploads/{id}, as History's delete buttons do them (<see cref="Deletions"/>):
/// 204 when deleted; 404 for what the member may not see, as every other endpoint answers it; a refusal (not the owner
/// nor an admin, a run still queued or running, an upload runs use) in the API's one shape, naming the thing and the
/// reason, from the run group's filter.
/// </summary>
public static class DeletionEndpoints
{
    public static RouteGroupBuilder MapDeletionEndpoints(this RouteGroupBuilder api)
    {
        api.MapDelete("/runs/{id:guid}", async (Guid id, HttpContext http, Deletions deletions, CancellationToken ct) =>
            await deletions.DeleteRunAsync(http.User.ToRequester(), id, ct) ? Results.NoContent() : Results.NotFound());
        api.MapDelete("/uploads/{id:guid}", async (Guid id, HttpContext http, Deletions deletions, CancellationToken ct) =>
            await deletions.DeleteUploadAsync(http.User.ToRequester(), id, ct) ? Results.NoContent() : Results.NotFound());
        return api;
    }
}
