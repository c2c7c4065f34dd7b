using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClipSurgeryWeb.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "Runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeaseUntil",
                table: "Runs",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "Runs");
        }
    }
}
