namespace ClipSurgeryWeb.Web.Services;

public sealed record TokenView(string Token, int Frequency);
