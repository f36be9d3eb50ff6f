package io.floe.ingest.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The binary COPY's bytes read in place, whether PostgreSQL's messages end at rows or anywhere. */
class CopyBytesTest {
  @Test
  void valuesReadTheSameHoweverTheMessagesCutThem() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(-2);
    out.writeInt(0x01020304);
    out.writeLong(-5_000_000_000L);
    byte[] text = "häßlich, 電気".getBytes(StandardCharsets.UTF_8);
    out.writeInt(text.length);
    out.write(text);
    out.writeShort(7);
    out.writeByte(1);
    byte[] all = bytes.toByteArray();

    for (int size = 1; size <= all.length; size++) {
      PostgresCopyInput.CopyBytes in = new PostgresCopyInput.CopyBytes(messages(all, size));
      assertThat(in.readShort()).as("messages of %d bytes", size).isEqualTo((short) -2);
      assertThat(in.readInt()).isEqualTo(0x01020304);
      assertThat(in.readLong()).isEqualTo(-5_000_000_000L);
      assertThat(in.readText(in.readInt())).isEqualTo("häßlich, 電気");
      assertThat(in.readNBytes(2)).containsExactly(0, 7);
      assertThat(in.readByte()).isEqualTo((byte) 1);
      assertThatThrownBy(in::readShort).isInstanceOf(EOFException.class);
    }
  }

  private static PostgresCopyInput.CopyBytes.Messages messages(byte[] all, int size) throws IOException {
    Deque<byte[]> messages = new ArrayDeque<>();
    for (int from = 0; from < all.length; from += size) {
      messages.add(Arrays.copyOfRange(all, from, Math.min(all.length, from + size)));
    }
    return messages::poll;
  }
}
