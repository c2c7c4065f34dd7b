namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>A refusal as the API returns it: the thing and the reason, e.g. {"subject":"labels","reason":"add at least one label"}.</summary>
public sealed record Problem(string Subject, string Reason)
{
    public static IResult BadRequest(string subject, string reason) => Results.BadRequest(new Problem(subject, reason));
}
