using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ClipSurgeryWeb.Data;

/// <summary>Stores DateTime as given (always UTC here) and reads it back with Kind = Utc.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
