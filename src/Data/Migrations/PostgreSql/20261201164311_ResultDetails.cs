using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClipSurgeryWeb.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ResultDetails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ScoresJson",
                table: "RunImages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ContentHash",
                table: "Images",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<float>(
                name: "ValueMax",
                table: "Files",
                type: "real",
                nullable: true);

            migrationBuilder.AddColumn<float>(
                name: "ValueMin",
                table: "Files",
                type: "real",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Images_OwnerId_ContentHash",
                table: "Images",
                columns: new[] { "OwnerId", "ContentHash" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Images_OwnerId_ContentHash",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "ScoresJson",
                table: "RunImages");

            migrationBuilder.DropColumn(
                name: "ContentHash",
                table: "Images");

            migrationBuilder.DropColumn(
                name: "ValueMax",
                table: "Files");

            migrationBuilder.DropColumn(
                name: "ValueMin",
                table: "Files");
        }
    }
}
