// Renders report.html in headless Chromium and checks the screenshot shows a drawn page:
// many colours, a good share of non-white pixels, and the plot colours of the forest plot.
// Chromium comes from scripts/setup.sh; without it this test fails (it does not skip).
#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "orchestrator/report/html.h"
#include "support/atomic_file.h"
#include "tests/report/sample_report.h"

namespace fs = std::filesystem;

namespace pgo {
namespace {

fs::path find_chromium() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const fs::path dir = dirs.substr(start, end - start);
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = dir / name;
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return {};
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Image {
  unsigned width = 0, height = 0;
  std::vector<unsigned char> rgb;
};

Image read_png(const fs::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  Image out;
  if (!png_image_begin_read_from_file(&image, file.c_str())) return out;
  image.format = PNG_FORMAT_RGB;
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr)) {
    png_image_free(&image);
    return {};
  }
  out.width = image.width;
  out.height = image.height;
  return out;
}

// Pixels within `tolerance` (per channel) of the colour 0xRRGGBB.
size_t pixels_near(const Image& img, unsigned color, int tolerance) {
  const int r = (color >> 16) & 0xff, g = (color >> 8) & 0xff, b = color & 0xff;
  size_t n = 0;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3)
    n += std::abs(img.rgb[i] - r) <= tolerance && std::abs(img.rgb[i + 1] - g) <= tolerance &&
         std::abs(img.rgb[i + 2] - b) <= tolerance;
  return n;
}

TEST(ReportScreenshot, HeadlessChromiumRendersTheHtmlReport) {
  const fs::path chromium = find_chromium();
  ASSERT_FALSE(chromium.empty()) << "chromium is not installed, so report.html cannot be rendered: run "
                                    "scripts/setup.sh (apt-get install chromium)";

  const fs::path dir = fs::temp_directory_path() / ("pgo-screenshot-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "profile");
  const fs::path html = dir / "report.html", png = dir / "report.png", log = dir / "chromium.log";
  write_file_atomic(html, html_report(testing::sample_report()));

  const std::string command =
      "timeout 120 " + quote(chromium.string()) +
      " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
      " --disable-component-update --disable-sync --hide-scrollbars --force-device-scale-factor=1"
      " --user-data-dir=" + quote((dir / "profile").string()) + " --screenshot=" + quote(png.string()) +
      " --window-size=1200,900 " + quote("file://" + html.string()) + " >" + quote(log.string()) + " 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(fs::exists(png)) << "chromium wrote no screenshot (status " << status << "):\n" << read_file(log);

  const Image img = read_png(png);
  if (const char* keep = std::getenv("PGO_KEEP_SCREENSHOT")) fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
  fs::remove_all(dir);
  ASSERT_EQ(img.width, 1200u);
  ASSERT_EQ(img.height, 900u);

  std::set<unsigned> colors;
  size_t non_white = 0;
  for (size_t i = 0; i + 2 < img.rgb.size(); i += 3) {
    const unsigned c = (img.rgb[i] << 16) | (img.rgb[i + 1] << 8) | img.rgb[i + 2];
    colors.insert(c);
    non_white += c != 0xffffff;
  }
  const size_t total = size_t{img.width} * img.height;
  EXPECT_GT(colors.size(), 64u) << "the screenshot looks blank or flat";
  // The page background is light grey (#f6f8fa) around white panels: most pixels are not
  // pure white, and a blank page would be all white.
  EXPECT_GT(non_white, total / 4) << non_white << " of " << total;
  // Colours that only the rendered report produces: the forest plot's noise band and green
  // (faster) and red (slower) marks, and the dark text.
  EXPECT_GT(pixels_near(img, 0xddf4ff, 4), 2000u) << "no noise band";
  EXPECT_GT(pixels_near(img, 0x1a7f37, 40), 100u) << "no green (faster) marks";
  EXPECT_GT(pixels_near(img, 0xcf222e, 40), 50u) << "no red (slower) marks";
  EXPECT_GT(pixels_near(img, 0x1f2328, 40), 1000u) << "no text";
}

}  // namespace
}  // namespace pgo
