// FrameStream (the WebSocket session's write side) over a real loopback TCP connection (the
// first test reads freed memory under ASan if the frames in flight point into the moving list):
// the bytes on the wire are decoded frame by frame.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>

#include "net/websocket_session.hpp"

namespace meridian::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Pair {
  asio::io_context ioc;
  tcp::socket client{ioc};
  std::unique_ptr<FrameStream> server;

  Pair() {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.connect(acceptor.local_endpoint());
    server = std::make_unique<FrameStream>(acceptor.accept());
  }

  // Reads exactly `n` bytes the server wrote.
  std::string read(std::size_t n) {
    std::string out(n, '\0');
    asio::read(client, asio::buffer(out));
    return out;
  }
};

// Decodes unmasked server frames (FIN + opcode byte, 7/16/64-bit lengths).
std::vector<std::string> decode(const std::string& wire, std::vector<int>& opcodes) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (p < wire.size()) {
    const auto b0 = static_cast<unsigned char>(wire[p]);
    const auto b1 = static_cast<unsigned char>(wire[p + 1]);
    EXPECT_EQ(b0 & 0xf0, 0x80) << "FIN set, no RSV bits, at byte " << p;
    EXPECT_EQ(b1 & 0x80, 0) << "server frames are not masked";
    opcodes.push_back(b0 & 0x0f);
    std::uint64_t n = b1 & 0x7f;
    p += 2;
    const int extra = n == 126 ? 2 : n == 127 ? 8 : 0;
    if (extra) {
      n = 0;
      for (int i = 0; i < extra; ++i) n = (n << 8) | static_cast<unsigned char>(wire[p + i]);
      p += extra;
    }
    out.push_back(wire.substr(p, n));
    p += n;
  }
  return out;
}

std::string text_of(int i) {
  // 7-bit, 16-bit and 64-bit length encodings in turn.
  const std::size_t size = i % 3 == 0 ? 20 : i % 3 == 1 ? 300 + i : 70'000;
  std::string s = "frame " + std::to_string(i) + " ";
  s.resize(size, static_cast<char>('a' + i % 26));
  return s;
}

TEST(FrameStream, FramesAppendedWhileAWriteIsInFlightArriveIntactAndInOrder) {
  Pair pair;
  std::size_t written_frames = 0;
  std::shared_ptr<int> owner = std::make_shared<int>(0);
  pair.server->set_owner(owner, [&](boost::beast::error_code ec, std::size_t n) {
    EXPECT_FALSE(ec) << ec.message();
    written_frames += n;
  });
  std::vector<std::string> sent;
  std::size_t wire_bytes = 0;
  auto append = [&](int i) {
    sent.push_back(text_of(i));
    wire_bytes += sent.back().size() + (sent.back().size() < 126 ? 2 : sent.back().size() <= 0xffff ? 4 : 10);
    pair.server->append_text(share_text(sent.back()));
  };
  // The first write (three frames of each length encoding, ~140 kB) cannot fit the fresh
  // socket's send buffer, so it stays in flight, partly written...
  for (int i = 0; i < 6; ++i) append(i);
  pair.server->flush();
  // ...while appending many more grows (and moves) the list.
  for (int i = 6; i < 300; ++i) append(i);
  pair.server->flush();  // no effect while writing: the rest follows once the write completes
  EXPECT_EQ(pair.server->queued_frames(), 300u);

  std::string wire;
  std::thread reader([&] { wire = pair.read(wire_bytes); });
  pair.ioc.run();
  reader.join();

  std::vector<int> opcodes;
  auto frames = decode(wire, opcodes);
  ASSERT_EQ(frames.size(), sent.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(opcodes[i], 1) << "text frame " << i;
    ASSERT_EQ(frames[i], sent[i]) << "frame " << i;
  }
  EXPECT_EQ(written_frames, 300u);
  EXPECT_EQ(pair.server->queued_frames(), 0u);
  EXPECT_EQ(pair.server->queued_bytes(), 0u);
}

TEST(FrameStream, DropUnsentKeepsTheWriteInFlightAndForgetsTheRest) {
  Pair pair;
  auto owner = std::make_shared<int>(0);
  pair.server->set_owner(owner, [](boost::beast::error_code, std::size_t) {});
  pair.server->append_text(share_text("first"));
  pair.server->flush();
  pair.server->append_text(share_text("second"));
  pair.server->append_text(share_text("third"));
  pair.server->drop_unsent();
  EXPECT_EQ(pair.server->queued_frames(), 1u);
  EXPECT_EQ(pair.server->queued_bytes(), 7u);  // 2-byte header + "first"
  pair.ioc.run();
  std::vector<int> opcodes;
  auto frames = decode(pair.read(7), opcodes);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0], "first");
  EXPECT_EQ(pair.server->queued_frames(), 0u);
}

TEST(FrameStream, AFailedWriteIsReportedAndLaterFramesAreIgnored) {
  Pair pair;
  auto owner = std::make_shared<int>(0);
  boost::beast::error_code reported;
  pair.server->set_owner(owner, [&](boost::beast::error_code ec, std::size_t) {
    if (ec) reported = ec;
  });
  pair.client.close();
  // Write until the peer's reset surfaces (the first writes may still be accepted).
  for (int round = 0; round < 50 && !reported; ++round) {
    pair.server->append_text(share_text(std::string(100'000, 'x')));
    pair.server->flush();
    pair.ioc.restart();
    pair.ioc.run();
  }
  EXPECT_TRUE(reported);
  pair.server->append_text(share_text("after"));
  EXPECT_EQ(pair.server->queued_frames(), 0u);
}

}  // namespace
}  // namespace meridian::net
