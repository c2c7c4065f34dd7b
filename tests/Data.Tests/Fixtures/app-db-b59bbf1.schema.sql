-- The app database schema that main at b59bbf1 (the last version before migrations) made with EnsureCreated on first
-- start: `sqlite3 App_Data/app.db .schema` after one start of that web app. Data.Tests upgrades a database made
-- from it, so an existing install is upgraded by the migrations, not dropped.
CREATE TABLE IF NOT EXISTS "AspNetRoles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetRoles" PRIMARY KEY,
    "Name" TEXT NULL,
    "NormalizedName" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "AspNetUsers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY,
    "CreatedAt" TEXT NOT NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" TEXT NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS "Images" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Images" PRIMARY KEY,
    "OwnerId" TEXT NOT NULL,
    "OwnerName" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "Extension" TEXT NOT NULL,
    "ContentType" TEXT NOT NULL,
    "SizeBytes" INTEGER NOT NULL,
    "Width" INTEGER NOT NULL,
    "Height" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS "Runs" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Runs" PRIMARY KEY,
    "Kind" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "OwnerId" TEXT NOT NULL,
    "OwnerName" TEXT NOT NULL,
    "Shared" INTEGER NOT NULL,
    "SettingsJson" TEXT NOT NULL,
    "HangfireJobId" TEXT NULL,
    "CancelRequested" INTEGER NOT NULL,
    "Error" TEXT NULL,
    "BytesDone" INTEGER NULL,
    "BytesTotal" INTEGER NULL,
    "CreatedAt" TEXT NOT NULL,
    "StartedAt" TEXT NULL,
    "FinishedAt" TEXT NULL
);
CREATE TABLE IF NOT EXISTS "Words" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Words" PRIMARY KEY AUTOINCREMENT,
    "RunId" TEXT NOT NULL,
    "JobImageId" TEXT NOT NULL,
    "ImageId" TEXT NOT NULL,
    "Word" TEXT NOT NULL,
    "Length" INTEGER NOT NULL,
    "ModelName" TEXT NOT NULL,
    "OwnerId" TEXT NOT NULL,
    "OwnerName" TEXT NOT NULL,
    "FoundAt" TEXT NOT NULL
);
CREATE TABLE sqlite_sequence(name,seq);
CREATE TABLE IF NOT EXISTS "AspNetRoleClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY AUTOINCREMENT,
    "RoleId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserLogins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserRoles" (
    "UserId" TEXT NOT NULL,
    "RoleId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "AspNetUserTokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "RunImages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_RunImages" PRIMARY KEY,
    "RunId" TEXT NOT NULL,
    "ImageId" TEXT NOT NULL,
    "Order" INTEGER NOT NULL,
    "Status" TEXT NOT NULL,
    "Stage" TEXT NULL,
    "Progress" REAL NOT NULL,
    "Loss" REAL NULL,
    "BestText" TEXT NULL,
    "Error" TEXT NULL,
    "StartedAt" TEXT NULL,
    "FinishedAt" TEXT NULL,
    CONSTRAINT "FK_RunImages_Images_ImageId" FOREIGN KEY ("ImageId") REFERENCES "Images" ("Id") ON DELETE RESTRICT,
    CONSTRAINT "FK_RunImages_Runs_RunId" FOREIGN KEY ("RunId") REFERENCES "Runs" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "Files" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Files" PRIMARY KEY,
    "RunId" TEXT NOT NULL,
    "JobImageId" TEXT NOT NULL,
    "FileName" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Mode" TEXT NULL,
    "Label" TEXT NULL,
    "SizeBytes" INTEGER NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    CONSTRAINT "FK_Files_RunImages_JobImageId" FOREIGN KEY ("JobImageId") REFERENCES "RunImages" ("Id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "Tokens" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Tokens" PRIMARY KEY AUTOINCREMENT,
    "JobImageId" TEXT NOT NULL,
    "Token" TEXT NOT NULL,
    "Frequency" INTEGER NOT NULL,
    CONSTRAINT "FK_Tokens_RunImages_JobImageId" FOREIGN KEY ("JobImageId") REFERENCES "RunImages" ("Id") ON DELETE CASCADE
);
CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");
CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");
CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");
CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");
CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");
CREATE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");
CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");
CREATE UNIQUE INDEX "IX_Files_JobImageId_FileName" ON "Files" ("JobImageId", "FileName");
CREATE INDEX "IX_Images_OwnerId_CreatedAt" ON "Images" ("OwnerId", "CreatedAt");
CREATE INDEX "IX_RunImages_ImageId" ON "RunImages" ("ImageId");
CREATE INDEX "IX_RunImages_RunId" ON "RunImages" ("RunId");
CREATE INDEX "IX_Runs_OwnerId_CreatedAt" ON "Runs" ("OwnerId", "CreatedAt");
CREATE UNIQUE INDEX "IX_Tokens_JobImageId_Token" ON "Tokens" ("JobImageId", "Token");
CREATE UNIQUE INDEX "IX_Words_JobImageId_Word" ON "Words" ("JobImageId", "Word");
CREATE INDEX "IX_Words_Length" ON "Words" ("Length");
