using Bunit;
using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RecordsPage = ClipSurgeryWeb.Web.Components.Pages.Records.Records;

namespace ClipSurgeryWeb.Web.Tests.Components;

/// <summary>The Records header counts what is shown, and a search without a match says so (not "no records yet").</summary>
public sealed class RecordsPageTests : ComponentTestContext
{
    public RecordsPageTests()
    {
        Services.AddScoped<WordRecordBoard>();
        EnsureDatabase();
    }

    private async Task AddWordsAsync(params string[] words)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<ClipSurgeryDb>>().CreateDbContextAsync();
        var image = new UploadedImage
        {
            Id = Guid.NewGuid(), OwnerId = "member-1", OwnerName = "member@example.com", FileName = "cat.png", Extension = ".png",
            ContentType = "image/png", SizeBytes = 10, Width = 4, Height = 4, CreatedAt = DateTime.UtcNow,
        };
        var run = new JobRun
        {
            Id = Guid.NewGuid(), Kind = JobRunKind.Opinions, Status = JobRunStatus.Succeeded, OwnerId = "member-1", OwnerName = "member@example.com",
            CreatedAt = DateTime.UtcNow,
        };
        var item = new JobImage { Id = Guid.NewGuid(), RunId = run.Id, ImageId = image.Id, Status = JobImageStatus.Done };
        run.Images = [item];
        db.Images.Add(image);
        db.Runs.Add(run);
        db.Words.AddRange(words.Select(w => new OpinionWord
        {
            RunId = run.Id, JobImageId = item.Id, ImageId = image.Id, Word = w, Length = WordRecordBoard.Length(w), ModelName = "clip_only_jit",
            OwnerId = "member-1", OwnerName = "member@example.com", FoundAt = DateTime.UtcNow,
        }));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task The_header_counts_the_records_a_search_shows_and_a_search_without_a_match_names_the_term()
    {
        await AddWordsAsync("incomprehensibilities", "photographically", "counterrevolutionary");
        var page = Render<RecordsPage>();
        page.WaitForAssertion(() => Assert.Equal("3 records", page.Find("[data-testid=records-count]").TextContent.Trim()));

        page.Find("input[data-testid=records-search]").Input("graph");
        page.WaitForAssertion(() => Assert.Equal("1 of 3 records", page.Find("[data-testid=records-count]").TextContent.Trim()));
        Assert.Equal(["photographically"], page.FindAll("[data-testid=record-word]").Select(w => w.TextContent.Trim()));

        page.Find("input[data-testid=records-search]").Input("<b>zebra</b>");
        page.WaitForAssertion(() => Assert.Equal("No record matches '<b>zebra</b>'.", page.Find("[data-testid=records-empty]").TextContent.Trim()));
        Assert.Equal("0 of 3 records", page.Find("[data-testid=records-count]").TextContent.Trim());
        // Escaped: the term is text, not markup.
        Assert.Empty(page.FindAll("[data-testid=records-empty] b"));
    }

    [Fact]
    public void An_empty_board_still_says_no_records_yet_also_while_searching()
    {
        var page = Render<RecordsPage>();
        page.WaitForAssertion(() => Assert.Equal("0 records", page.Find("[data-testid=records-count]").TextContent.Trim()));
        Assert.Equal("No records yet: run CLIP opinions on some images.", page.Find("[data-testid=records-empty]").TextContent.Trim());

        page.Find("input[data-testid=records-search]").Input("cat");

        page.WaitForAssertion(() => Assert.Equal("No records yet: run CLIP opinions on some images.", page.Find("[data-testid=records-empty]").TextContent.Trim()));
    }
}
