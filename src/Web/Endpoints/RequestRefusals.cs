using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Metadata;

namespace ClipSurgeryWeb.Web.Endpoints;

/// <summary>
/// Requests refused before their handler runs, answered in the API's one shape (<see cref="Problem"/>):
/// a state-changing request without a valid anti-forgery token (UseAntiforgery only records its verdict; this acts on
/// it, and checks the requests it left unchecked), and a request whose body or parameters cannot be read — malformed JSON, a value of the wrong type, no body, the
/// wrong content type. Minimal APIs throw <see cref="BadHttpRequestException"/> for those
/// (<c>RouteHandlerOptions.ThrowOnBadRequest</c>, set in every environment) and this names the field and the reason.
/// </summary>
public sealed partial class RequestRefusals(RequestDelegate next)
{
    public const string AntiforgerySubject = "anti-forgery token";

    public const string AntiforgeryReason =
        "missing or not valid for this session: send the token from GET /account/antiforgery in the RequestVerificationToken header (forms: the __RequestVerificationToken field)";

    public async Task InvokeAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (RequiresToken(http) && !(http.Features.Get<IAntiforgeryValidationFeature>()?.IsValid ?? await antiforgery.IsRequestValidAsync(http)))
        {
            await Results.BadRequest(new Problem(AntiforgerySubject, AntiforgeryReason)).ExecuteAsync(http);
            return;
        }
        try
        {
            await next(http);
        }
        catch (BadHttpRequestException e) when (!http.Response.HasStarted)
        {
            http.Response.Clear();
            await Results.Json(Describe(e, http.GetEndpoint()), statusCode: e.StatusCode).ExecuteAsync(http);
            return;
        }
        // A body of the wrong content type is answered 415 without an exception, and so is a form over its limit 413.
        if (http.Response.StatusCode == StatusCodes.Status415UnsupportedMediaType && !http.Response.HasStarted)
            await Results.Json(WrongContentType(http.GetEndpoint()), statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(http);
        else if (http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !http.Response.HasStarted)
            await Results.Json(TooLarge(http.GetEndpoint()), statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(http);
    }

    /// <summary>
    /// A state-changing method on an endpoint that requires the token. UseAntiforgery's verdict is used when it gave one
    /// (it leaves some requests, such as a JSON body sent to a form endpoint, to the form reader).
    /// </summary>
    private static bool RequiresToken(HttpContext http) =>
        (HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method)
            || HttpMethods.IsDelete(http.Request.Method))
        && http.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: true };

    /// <summary>
    /// Routing answers a body of a type no endpoint there takes with its own 415 endpoint, which does not say which type
    /// was wanted: the reason names both.
    /// </summary>
    private static Problem WrongContentType(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes is { Count: > 0 } accepted
            ? new Problem("request body", $"must be sent as {string.Join(" or ", accepted)}")
            : new Problem("request body", WrongContentTypeReason);

    public const string WrongContentTypeReason =
        "has a content type this endpoint does not take: send JSON (Content-Type: application/json), or multipart/form-data for uploads";

    /// <summary>The field and the reason, from what the framework knows: the JSON path, the parameter, the content type.</summary>
    public static Problem Describe(BadHttpRequestException e, Endpoint? endpoint)
    {
        var parameter = ParameterName().Match(e.Message) is { Success: true } p ? p.Groups["name"].Value : null;
        var subject = parameter is null or "body" ? "request body" : parameter;
        if (e.InnerException is JsonException json)
        {
            // The reader's own errors are about the text; the others about a value that does not fit its field.
            if (json.InnerException?.GetType().Name == "JsonReaderException")
                return new Problem("request body", $"is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})");
            var path = json.Path?.TrimStart('$').TrimStart('.') ?? "";
            var type = FieldType(endpoint, parameter, path);
            return new Problem(path.Length == 0 ? subject : path, $"must be {Describe(type)}");
        }
        if (e.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return WrongContentType(endpoint);
        if (e.Message.Contains("no body was provided", StringComparison.Ordinal) || e.Message.Contains("was not provided from body", StringComparison.Ordinal))
            return new Problem("request body", "is missing: send a JSON object");
        if (NotProvided().Match(e.Message) is { Success: true } missing)
            return new Problem(subject, $"is missing from the {missing.Groups["source"].Value}");
        if (NotBound().Match(e.Message) is { Success: true } bad)
            return new Problem(subject, $"'{bad.Groups["value"].Value}' is not a valid value");
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return TooLarge(endpoint);
        return new Problem(subject, e.Message);
    }

    /// <summary>A body over the limit: the endpoint's own (uploads), or the server's.</summary>
    private static Problem TooLarge(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is { } limit
            ? new Problem("request body", $"is larger than the {ClipSurgeryWeb.Hosting.Storage.ImageIntake.Megabytes(limit)} this endpoint accepts in one request")
            : new Problem("request body", "is larger than this server accepts");

    /// <summary>The declared type at a JSON path ("imageIds[0]", "resolution") of the handler's parameter.</summary>
    private static Type? FieldType(Endpoint? endpoint, string? parameter, string path)
    {
        var type = endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters().FirstOrDefault(p => p.Name == parameter)?.ParameterType;
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = segment.IndexOf('[');
            type = type?.GetProperty(bracket < 0 ? segment : segment[..bracket], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
                ?.PropertyType;
            if (bracket >= 0)
                type = type is null ? null : ElementType(type);
        }
        return type;
    }

    private static Type? ElementType(Type type) => type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];

    private static string Describe(Type? type) => type switch
    {
        null => "a value of another type",
        _ when Nullable.GetUnderlyingType(type) is { } inner => Describe(inner) + " or null",
        _ when type == typeof(Guid) => "an id (a GUID)",
        _ when type == typeof(string) => "text",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) => "a number",
        _ when type == typeof(bool) => "true or false",
        _ when ElementType(type) is not null => "a list",
        _ => "a JSON object",
    };

    [GeneratedRegex("parameter \"(?<type>[^ \"]+) (?<name>[^\"]+)\"")]
    private static partial Regex ParameterName();

    [GeneratedRegex("was not provided from (?<source>[a-z ]+)\\.")]
    private static partial Regex NotProvided();

    [GeneratedRegex("from \"(?<value>[^\"]*)\"")]
    private static partial Regex NotBound();
}
