namespace ClipSurgeryWeb.Jobs.Running;

/// <summary>Who asks for work: decides ownership and what they may see, cancel or retry.</summary>
public sealed record Requester(string UserId, string Name, bool IsAdmin);
