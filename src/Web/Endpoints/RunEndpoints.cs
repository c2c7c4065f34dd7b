using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Models;
using ClipSurgeryWeb.Jobs.Records;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Auth;
using ClipSurgeryWeb.Web.Services;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>The JSON API the pages' actions mirror: start, watch, cancel, retry and delete runs; delete uploads; records; models.</summary>
public static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(async (context, next) =>
        {
            if (context.Arguments.OfType<IRequestBody>().Select(b => b.Check()).FirstOrDefault(p => p is not null) is { } missing)
                return Results.BadRequest(missing);
            try { return await next(context); }
            catch (RequestRejectedException e) { return Problem.BadRequest(e.Subject, e.Reason); }
        });

        api.MapPost("/runs/explain", async (ExplainRequest body, HttpContext http, JobLauncher launcher) =>
        {
            var run = await launcher.StartExplainAsync(http.User.ToRequester(), body.ImageIds, body.Model, body.Labels,
                body.Targets ?? [], body.Modes?.Select(m => new MapMethod(m)).ToList() ?? [MapMethod.Surgery, MapMethod.Plain], body.Resolution, body.Shared, body.SamModel, precision: body.Precision,
                labelMaps: LabelMapsRequest.Choice(body.LabelMaps));
            return Results.Created($"/api/runs/{run.Id}", new { id = run.Id });
        });
        api.MapPost("/runs/opinions", async (OpinionsRequest body, HttpContext http, JobLauncher launcher) =>
        {
            var run = await launcher.StartOpinionsAsync(http.User.ToRequester(), body.ImageIds, body.Model, body.Iterations, body.Shared, precision: body.Precision);
            return Results.Created($"/api/runs/{run.Id}", new { id = run.Id });
        });
        api.MapPost("/runs/batch", async (BatchRequest body, HttpContext http, JobLauncher launcher) =>
        {
            var run = await launcher.StartBatchAsync(http.User.ToRequester(), body.ImageIds, body.Model, body.SamModel, body.Iterations,
                body.Shared, precision: body.Precision, labelMaps: LabelMapsRequest.Choice(body.LabelMaps));
            return Results.Created($"/api/runs/{run.Id}", new { id = run.Id });
        });
        api.MapPost("/models/download", async (DownloadRequest body, HttpContext http, JobLauncher launcher) =>
        {
            var run = await launcher.StartDownloadAsync(http.User.ToRequester(), body.Name);
            return Results.Created($"/api/runs/{run.Id}", new { id = run.Id });
        });
        api.MapGet("/runs/{id:guid}", async (Guid id, HttpContext http, RunQueries queries) =>
            await queries.GetAsync(http.User.ToRequester(), id) is { } run ? Results.Ok(run) : Results.NotFound());
        api.MapGet("/runs", async (bool? mine, HttpContext http, RunQueries queries) =>
            Results.Ok(await queries.ListAsync(http.User.ToRequester(), mine == true)));
        api.MapPost("/runs/{id:guid}/cancel", async (Guid id, HttpContext http, JobLauncher launcher) =>
        {
            await launcher.CancelAsync(http.User.ToRequester(), id);
            return Results.NoContent();
        });
        api.MapPost("/runs/{id:guid}/retry", async (Guid id, HttpContext http, JobLauncher launcher) =>
        {
            await launcher.RetryAsync(http.User.ToRequester(), id);
            return Results.NoContent();
        });
        api.MapGet("/records", async (string? search, HttpContext http, WordRecordBoard records) =>
            Results.Ok(await records.ListAsync(http.User.ToRequester(), search)));
        api.MapGet("/models", (ModelsFolder models) => Results.Ok(models.List().Select(ModelView.From).ToList()));
        api.MapDeletionEndpoints();
        return app;
    }
}
