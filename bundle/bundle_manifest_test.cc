#include "bundle/bundle_manifest.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "binary/file.h"
#include "bundle/testing/bundle_bytes.h"
#include "dac/testing/dotnet_app.h"
#include "gtest/gtest.h"

namespace ddcrash::bundle {
namespace {

using testing::BundleBytes;

TEST(BundleManifestTest, ReadsAVersion6Manifest) {
  BundleBytes b(6);
  b.AddFile(kAssembly, "App.dll", 600);
  b.AddFile(kSymbols, "App.pdb", 100);
  b.AddFile(kRuntimeConfigJson, "App.runtimeconfig.json", 10);
  absl::StatusOr<BundleManifest> m = ParseBundle(b.Build());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->major_version, 6u);
  EXPECT_EQ(m->bundle_id, "bundle-id");
  ASSERT_EQ(m->files.size(), 3u);
  EXPECT_EQ(m->files[0].relative_path, "App.dll");
  EXPECT_EQ(m->files[0].type, kAssembly);
  EXPECT_EQ(m->files[0].size, 600u);
  EXPECT_EQ(m->files[0].offset, b.offset_of(0));
  EXPECT_FALSE(m->files[0].compressed());
  EXPECT_EQ(m->files[1].type, kSymbols);
  EXPECT_EQ(m->files[2].offset, b.offset_of(2));
}

TEST(BundleManifestTest, ReadsVersions1And2WithoutCompressedSizes) {
  for (uint32_t version : {1u, 2u}) {
    BundleBytes b(version);
    b.AddFile(kAssembly, "Lib.dll", 300);
    b.AddFile(kAssembly, "de/Lib.resources.dll", 40);
    absl::StatusOr<BundleManifest> m = ParseBundle(b.Build());
    ASSERT_TRUE(m.ok()) << version << ": " << m.status();
    ASSERT_EQ(m->files.size(), 2u);
    EXPECT_EQ(m->files[1].relative_path, "de/Lib.resources.dll");
    EXPECT_EQ(m->files[1].offset, b.offset_of(1));
  }
}

TEST(BundleManifestTest, KeepsCompressedSizes) {
  BundleBytes b(6);
  b.AddFile(kAssembly, "App.dll", 600, /*compressed_size=*/200);
  absl::StatusOr<BundleManifest> m = ParseBundle(b.Build());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->files[0].compressed());
  EXPECT_EQ(m->files[0].stored_size(), 200u);
}

TEST(BundleManifestTest, AHostWithoutBundleIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(ParseBundle(std::string(4096, 'x')).status()));
  BundleBytes b(6);
  b.AddFile(kAssembly, "App.dll", 10);
  b.set_manifest_offset(0);  // the unfilled placeholder of a plain apphost
  EXPECT_TRUE(absl::IsNotFound(ParseBundle(b.Build()).status()));
}

TEST(BundleManifestTest, RefusesEveryOutOfBoundsValue) {
  {
    BundleBytes b(6);
    b.AddFile(kAssembly, "App.dll", 10);
    b.set_file_offset(0, uint64_t{1} << 40);
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
  {
    BundleBytes b(6);
    b.AddFile(kAssembly, "App.dll", 10);
    b.set_file_size(0, ~uint64_t{0});  // offset + size overflows
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
  {
    BundleBytes b(6);
    b.AddFile(kAssembly, "App.dll", 10);
    b.set_count(kMaxFiles + 1);
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
  {
    BundleBytes b(6);
    b.AddFile(kAssembly, "App.dll", 10);
    b.set_count(-1);
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
  {
    BundleBytes b(6);
    b.AddFile(kAssembly, "App.dll", 10);
    b.set_count(2);  // the second entry runs past the end
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
  {
    BundleBytes b(7);  // a format this reader does not know
    b.AddFile(kAssembly, "App.dll", 10);
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
  {
    BundleBytes b(6);
    b.AddFile(kAssembly, std::string(kMaxPathLength + 1, 'a'), 10);
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
  {
    BundleBytes b(6);
    b.AddFile(kAssembly, "App.dll", 10);
    b.set_manifest_offset(uint64_t{1} << 62);
    EXPECT_TRUE(absl::IsInvalidArgument(ParseBundle(b.Build()).status()));
  }
}

TEST(BundleManifestTest, NamesBundledFilesAsTheHostDoes) {
  BundledFile f;
  f.relative_path = "de/App.resources.dll";
  absl::StatusOr<std::string> path = RuntimePath("/opt/app/App", f);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, "/opt/app/de/App.resources.dll");
  for (const char* bad : {"../x.dll", "a/../../x.dll", "/etc/x.dll", "a//x.dll", "a\\..\\x.dll"}) {
    f.relative_path = bad;
    EXPECT_FALSE(RuntimePath("/opt/app/App", f).ok()) << bad;
  }
}

// The apps tests/dotnet/build.sh publishes with PublishSingleFile, for every runtime.
TEST(BundleManifestTest, ReadsTheSingleFileTestApps) {
  for (const char* tfm : {"net8.0", "net9.0", "net10.0"}) {
    absl::StatusOr<std::string> app = dac::testing::ShapesApp("singlefile", tfm);
    ASSERT_TRUE(app.ok()) << app.status();
    absl::StatusOr<std::string> bytes = binary::ReadFileBounded(*app, size_t{1} << 30);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    absl::StatusOr<BundleManifest> m = ParseBundle(*bytes);
    ASSERT_TRUE(m.ok()) << tfm << ": " << m.status();
    EXPECT_EQ(m->major_version, 6u) << tfm;
    bool app_dll = false, corelib = false;
    for (const BundledFile& f : m->files) {
      if (f.type != kAssembly) continue;
      // Every assembly starts with the PE/COFF "MZ".
      EXPECT_EQ(bytes->substr(f.offset, 2), "MZ") << tfm << " " << f.relative_path;
      app_dll |= f.relative_path == "Ddcrash.Shapes.dll";
      corelib |= f.relative_path == "System.Private.CoreLib.dll";
    }
    EXPECT_TRUE(app_dll) << tfm;
    EXPECT_TRUE(corelib) << tfm;
  }
}

}  // namespace
}  // namespace ddcrash::bundle
