using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClipSurgeryWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Evaluations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ItemsDone",
                table: "Runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ItemsTotal",
                table: "Runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReportJson",
                table: "Runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SharesJson",
                table: "Files",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ItemsDone",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "ItemsTotal",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "ReportJson",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "SharesJson",
                table: "Files");
        }
    }
}
