using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ClipSurgeryWeb.Tests.Support;

/// <summary>
/// An app.db as an installation of main at b59bbf1 (the last version before migrations) left it: the schema its
/// EnsureCreated made (tests/Data.Tests/Fixtures/app-db-b59bbf1.schema.sql, read from the test's output folder) and one
/// row in every app table plus an admin with a role, written as that version's EF Core wrote them (GUIDs as upper-case
/// text, enums as names, times as "yyyy-MM-dd HH:mm:ss.FFFFFFF"). Upgrade tests start the current code on it and read
/// the rows back.
/// </summary>
public static class LegacyAppDatabase
{
    public const string SchemaFile = "app-db-b59bbf1.schema.sql";

    public static readonly Guid ImageId = Guid.Parse("5d0c3a51-8c1e-4d5e-9a77-1f0e2b3c4d5e");
    public static readonly Guid SharedRunId = Guid.Parse("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    public static readonly Guid PrivateRunId = Guid.Parse("f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b");
    public static readonly Guid JobImageId = Guid.Parse("11111111-2222-4333-8444-555555555555");
    public static readonly Guid FileId = Guid.Parse("66666666-7777-4888-9999-aaaaaaaaaaaa");
    public const string UserId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    public const string UserEmail = "old-admin@example.com";
    public const string UserName = "old-admin@example.com";
    public const string RoleId = "2f1d3b5a-6c7e-4f80-9a1b-2c3d4e5f6a7b";
    public const string RoleName = "Admin";
    public const string ImageFileName = "cat on a mat.png";
    public const string ResultFileName = "cs_cat.png";
    public const string Token = "cat";
    public const string Word = "tabby";
    public static readonly DateTime CreatedAt = new(2026, 11, 30, 10, 15, 30, DateTimeKind.Utc);

    /// <summary>The settings a batch of that version stored.</summary>
    public const string SettingsJson =
        """{"ModelName":"ViT-B-16","SamModelName":null,"Labels":["cat"],"Targets":["cat"],"Modes":["cs","plain"],"Resolution":512,"Iterations":400,"Seed":7,"Precision":"fp32","OfficialName":null}""";

    /// <summary>Path of the schema fixture copied beside the test assembly.</summary>
    public static string SchemaPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", SchemaFile);

    /// <summary>
    /// Writes the old database at <paramref name="file"/>; <paramref name="passwordHash"/> is the admin's Identity hash
    /// (a test that logs in passes a real one).
    /// </summary>
    public static void Create(string file, string passwordHash = "AQAAAAIAAYagAAAAEPlaceholderHashNotForLogin==")
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        Execute(connection, SchemaSql());
        var at = Time(CreatedAt);
        var later = Time(CreatedAt.AddMinutes(3));
        Execute(connection, $"""
            INSERT INTO "AspNetRoles" ("Id", "Name", "NormalizedName", "ConcurrencyStamp")
            VALUES ('{RoleId}', '{RoleName}', '{RoleName.ToUpperInvariant()}', 'c0ffee00-0000-4000-8000-000000000001');
            INSERT INTO "AspNetUsers" ("Id", "CreatedAt", "UserName", "NormalizedUserName", "Email", "NormalizedEmail",
                "EmailConfirmed", "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "PhoneNumber", "PhoneNumberConfirmed",
                "TwoFactorEnabled", "LockoutEnd", "LockoutEnabled", "AccessFailedCount")
            VALUES ('{UserId}', '{at}', '{UserName}', '{UserName.ToUpperInvariant()}', '{UserEmail}', '{UserEmail.ToUpperInvariant()}',
                1, '{passwordHash}', 'SECURITYSTAMP0000000000000000001', 'c0ffee00-0000-4000-8000-000000000002', NULL, 0,
                0, NULL, 1, 0);
            INSERT INTO "AspNetUserRoles" ("UserId", "RoleId") VALUES ('{UserId}', '{RoleId}');
            INSERT INTO "Images" ("Id", "OwnerId", "OwnerName", "FileName", "Extension", "ContentType", "SizeBytes", "Width", "Height", "CreatedAt")
            VALUES ('{Id(ImageId)}', '{UserId}', '{UserName}', '{ImageFileName}', '.png', 'image/png', 48213, 640, 480, '{at}');
            INSERT INTO "Runs" ("Id", "Kind", "Status", "OwnerId", "OwnerName", "Shared", "SettingsJson", "HangfireJobId",
                "CancelRequested", "Error", "BytesDone", "BytesTotal", "CreatedAt", "StartedAt", "FinishedAt")
            VALUES ('{Id(SharedRunId)}', 'Batch', 'Succeeded', '{UserId}', '{UserName}', 1, '{SettingsJson}', '42',
                0, NULL, NULL, NULL, '{at}', '{at}', '{later}'),
                   ('{Id(PrivateRunId)}', 'Opinions', 'CompletedWithErrors', '{UserId}', '{UserName}', 0, '{"{}"}', '43',
                0, 'one image failed', NULL, NULL, '{at}', '{at}', '{later}');
            INSERT INTO "RunImages" ("Id", "RunId", "ImageId", "Order", "Status", "Stage", "Progress", "Loss", "BestText", "Error", "StartedAt", "FinishedAt")
            VALUES ('{Id(JobImageId)}', '{Id(SharedRunId)}', '{Id(ImageId)}', 0, 'Done', 'segment', 1.0, 0.125, 'a tabby cat', NULL, '{at}', '{later}');
            INSERT INTO "Files" ("Id", "RunId", "JobImageId", "FileName", "Kind", "Mode", "Label", "SizeBytes", "CreatedAt")
            VALUES ('{Id(FileId)}', '{Id(SharedRunId)}', '{Id(JobImageId)}', '{ResultFileName}', 'heatmap', 'cs', 'cat', 10240, '{later}');
            INSERT INTO "Tokens" ("JobImageId", "Token", "Frequency") VALUES ('{Id(JobImageId)}', '{Token}', 5);
            INSERT INTO "Words" ("RunId", "JobImageId", "ImageId", "Word", "Length", "ModelName", "OwnerId", "OwnerName", "FoundAt")
            VALUES ('{Id(SharedRunId)}', '{Id(JobImageId)}', '{Id(ImageId)}', '{Word}', {Word.Length}, 'ViT-B-16', '{UserId}', '{UserName}', '{later}');
            """);
    }

    /// <summary>
    /// The fixture's statements, less <c>sqlite_sequence</c>: `.schema` lists it, but SQLite makes it itself with the
    /// first AUTOINCREMENT table and refuses it by hand.
    /// </summary>
    public static string SchemaSql() =>
        string.Join('\n', File.ReadAllLines(SchemaPath)
            .Where(l => !l.StartsWith("--", StringComparison.Ordinal) && !l.StartsWith("CREATE TABLE sqlite_sequence", StringComparison.Ordinal)));

    /// <summary>A GUID as EF Core's SQLite provider stores it.</summary>
    private static string Id(Guid id) => id.ToString().ToUpperInvariant();

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
