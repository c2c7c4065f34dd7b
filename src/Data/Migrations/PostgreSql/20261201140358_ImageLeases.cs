using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ClipSurgeryWeb.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ImageLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClaimedBy",
                table: "RunImages",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeaseUntil",
                table: "RunImages",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "RunImages");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "RunImages");
        }
    }
}
