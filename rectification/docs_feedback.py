"""巡察报告 and 反馈意见 as Word and PDF (to be written)."""
